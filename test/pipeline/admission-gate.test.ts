import { describe, expect, it } from "vitest";
import { signToken } from "../../src/auth/sign-token.js";
import { createTokenVerifier } from "../../src/auth/token-verifier.js";
import { loadConfig } from "../../src/config/config.js";
import { createFairAdmission, type FairAdmission } from "../../src/limits/fair-admission.js";
import { createLogger } from "../../src/observability/logger.js";
import { createGatewayMetrics } from "../../src/observability/metrics.js";
import { documentRules } from "../../src/pipeline/document-rules.js";
import { createOperationRunner } from "../../src/pipeline/runner.js";
import { buildGatewaySchema } from "../../src/server/schema.js";
import { LogSink } from "../support/gateway.js";

/**
 * A runner whose fair gate lets no operation of any customer in (at most 0 running, 0 waiting),
 * recording which callers it was asked about.
 */
function gatedRunner() {
  const asked: string[] = [];
  const gate = createFairAdmission({ maxActive: 0, maxQueued: 0 });
  const fairAdmission: FairAdmission = {
    enter: (caller) => {
      asked.push(caller);
      return gate.enter(caller);
    },
    held: (caller) => gate.held(caller),
  };
  const runner = createOperationRunner({
    schema: buildGatewaySchema(),
    rules: documentRules({}),
    verifyToken: createTokenVerifier(auth),
    allowAnonymousIntrospection: true,
    contextFor: () => {
      throw new Error("a refused operation builds no context");
    },
    logger: createLogger("info", new LogSink()),
    metrics: createGatewayMetrics(),
    maxPendingEvents: 100,
    fairAdmission,
  });
  return { runner, asked };
}

const auth = loadConfig({}).auth;
const credentials = {
  authorization: `Bearer ${await signToken(auth, { customerId: "cus_gate" })}`,
  actAsCustomer: undefined,
};
/** The fair gate's refusal of a caller that may hold no operation. */
const TOO_MANY =
  "Too many operations of this customer are waiting (at most 0 running and 0 waiting); retry shortly.";
/** Not GraphQL: had it been parsed, it would be refused GRAPHQL_PARSE_FAILED. */
const UNPARSABLE = "{ accounts { ";

describe("admission before parsing: the runner's one place for it", () => {
  it("refuses a runner-executed operation after authentication and before its document is parsed", async () => {
    const { runner, asked } = gatedRunner();
    const outcome = await runner.run(
      {
        requestId: "r1",
        caller: { credentials },
        request: { query: UNPARSABLE },
      },
      { name: "sse", label: "Server-Sent Events", subscriptions: true },
    );
    expect(outcome).toEqual({
      kind: "refused",
      status: 429,
      retryAfterSeconds: 1,
      errors: [{ message: TOO_MANY, extensions: { code: "RATE_LIMITED", retryAfter: 1 } }],
    });
    expect(asked).toEqual(["cus_gate"]);
  });

  it("refuses an HTTP operation at the same point, before Apollo would parse it", async () => {
    const { runner, asked } = gatedRunner();
    const session = await runner.http({
      requestId: "r2",
      credentials,
      request: { query: UNPARSABLE },
      traceCarriers: [],
    });
    expect(session.context).toBeUndefined();
    expect(session.refusal?.status).toBe(429);
    expect(session.refusal?.retryAfterSeconds).toBe(1);
    expect(runner.mask(session.refusal?.error as never)).toEqual({
      message: TOO_MANY,
      extensions: { code: "RATE_LIMITED", retryAfter: 1 },
    });
    expect(asked).toEqual(["cus_gate"]);
  });
});
