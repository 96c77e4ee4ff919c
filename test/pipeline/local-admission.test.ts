/**
 * Admission with a budget in this process (`inMemoryCostBudget`, which answers spends now) is
 * answered now, not as a promise: the pipeline's `admit` returns the admission itself. It admits,
 * charges and refuses exactly as the same budget does through its promise (`spend`, the path a
 * remote budget such as Redis takes), refusal for refusal. Authentication of a token the verifier
 * remembers is answered now too.
 */
import { type DocumentNode, parse } from "graphql";
import { describe, expect, it } from "vitest";
import { signToken } from "../../src/auth/sign-token.js";
import { createTokenVerifier } from "../../src/auth/token-verifier.js";
import { loadConfig } from "../../src/config/config.js";
import type { GatewayContext } from "../../src/graphql/context.js";
import { createCostAdmission } from "../../src/limits/cost-admission.js";
import { type CostBudget, inMemoryCostBudget } from "../../src/limits/cost-budget.js";
import { createLogger } from "../../src/observability/logger.js";
import { createGatewayMetrics } from "../../src/observability/metrics.js";
import type { OperationAdmission } from "../../src/pipeline/admit-operation.js";
import { documentRules } from "../../src/pipeline/document-rules.js";
import { createOperationPipeline } from "../../src/pipeline/pipeline.js";
import { buildGatewaySchema } from "../../src/server/schema.js";
import { LogSink } from "../support/gateway.js";

const schema = buildGatewaySchema();
const HTTP = { name: "HTTP", subscriptions: false };
const QUERY: DocumentNode = parse("{ accounts(first: 10) { nodes { id status } } }");

/** A pipeline whose cost admission charges `budget` (limit `limit` per minute). */
function pipelineOver(budget: CostBudget) {
  const logger = createLogger("info", new LogSink());
  return createOperationPipeline({
    schema,
    rules: documentRules({}),
    costAdmission: createCostAdmission({ schema, maxCost: 10_000, budget, logger }),
    verifyToken: createTokenVerifier(loadConfig({}).auth),
    allowAnonymousIntrospection: true,
    contextFor: () =>
      ({ staleServedSince: () => undefined, stripeCalls: new Map() }) as unknown as GatewayContext,
    logger,
    metrics: createGatewayMetrics(),
  });
}

/** The same in-memory budget, reached only through its promise (as a remote store is). */
function throughPromise(budget: CostBudget): CostBudget {
  return { spend: (customerId, cost) => budget.spend(customerId, cost), close: budget.close };
}

/** What an admission decided, without the time it was decided at. */
const decided = (admission: OperationAdmission) =>
  admission.admitted
    ? { admitted: true, remaining: admission.cost?.remaining }
    : {
        admitted: false,
        status: admission.status,
        codes: admission.errors.map((error) => error.extensions.code),
        remaining: admission.cost?.remaining,
        retryAfter: admission.retryAfterSeconds,
      };

describe("admission over a budget in this process", () => {
  it("admits now (not a promise), and admits, charges and refuses as the promised spend does", async () => {
    const pricing = pipelineOver(inMemoryCostBudget(1_000_000));
    const priced = await pricing.admit(viewerTrace(pricing), { document: QUERY }, HTTP);
    const requested = priced.cost?.requested as number;
    expect(requested).toBeGreaterThan(1);
    // Room for three operations and part of a fourth.
    const limit = 3 * requested + 1;
    const local = pipelineOver(inMemoryCostBudget(limit));
    const remote = pipelineOver(throughPromise(inMemoryCostBudget(limit)));
    const now: ReturnType<typeof decided>[] = [];
    const promised: ReturnType<typeof decided>[] = [];
    for (let operation = 0; operation < 5; operation++) {
      const admitted = local.admit(viewerTrace(local), { document: QUERY }, HTTP);
      if (operation < 3) expect(admitted).not.toBeInstanceOf(Promise);
      now.push(decided(await admitted));
      const waited = remote.admit(viewerTrace(remote), { document: QUERY }, HTTP);
      expect(waited).toBeInstanceOf(Promise);
      promised.push(decided(await waited));
    }
    expect(now).toEqual(promised);
    expect(now.map((admission) => admission.admitted)).toEqual([true, true, true, false, false]);
    expect(now[3]).toMatchObject({ status: 429, codes: ["RATE_LIMITED"], remaining: 1 });
  });
});

describe("authentication of a remembered token", () => {
  it("is answered now, with the same viewer as the first verification", async () => {
    const pipeline = pipelineOver(inMemoryCostBudget(1_000));
    const auth = loadConfig({}).auth;
    const credentials = {
      authorization: `Bearer ${await signToken(auth, { customerId: "cus_remembered" })}`,
      actAsCustomer: undefined,
    };
    const first = pipeline.authenticate(pipeline.start("http", null), credentials);
    expect(first).toBeInstanceOf(Promise);
    expect(await first).toMatchObject({ admitted: true, viewer: { customerId: "cus_remembered" } });
    const trace = pipeline.start("http", null);
    const again = pipeline.authenticate(trace, credentials);
    expect(again).not.toBeInstanceOf(Promise);
    expect(again).toMatchObject({ admitted: true, viewer: { customerId: "cus_remembered" } });
    expect(trace.viewer).toEqual({ customerId: "cus_remembered" });
  });
});

/** A trace of an operation of customer `cus_local`, as authentication leaves it. */
function viewerTrace(pipeline: ReturnType<typeof pipelineOver>) {
  const trace = pipeline.start("http", null);
  trace.viewer = { customerId: "cus_local" };
  return trace;
}
