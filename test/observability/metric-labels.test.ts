import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { graphql, LogSink, startStack, type TestStack, tokenFor } from "../support/gateway.js";
import { createCustomer, type SandboxCustomer } from "../support/sandbox-control.js";

const logs = new LogSink();
let stack: TestStack;
let customer: SandboxCustomer;
beforeAll(async () => {
  stack = await startStack({
    logSink: logs,
    env: { GRAPHQL_MAX_COST: "500", RATE_LIMIT_COST_PER_MINUTE: "100000000" },
  });
  customer = await createCustomer(stack, 1, 1);
});
afterAll(() => stack.close());

/** Distinct operation names the metrics keep as labels before answering "other" (metrics.ts). */
const LABEL_SLOTS = 200;
/** A 90 KB operation name: one token, inside the 100 KB body limit. */
const HUGE_NAME = `Q${"x".repeat(90 * 1024)}`;
const TRUNCATED = `${HUGE_NAME.slice(0, 100)}…`;

const metricsText = async () => (await fetch(`${stack.gateway.url}/metrics`)).text();

/** The value of the operations counter for `type` and `name` over HTTP, or undefined when absent. */
function operations(text: string, type: string, name: string): number | undefined {
  const prefix = `fc_gateway_graphql_operations_total{type="${type}",name="${name}",transport="http"} `;
  const line = text.split("\n").find((entry) => entry.startsWith(prefix));
  return line === undefined ? undefined : Number(line.slice(prefix.length));
}

/** Label values of the operation-name label, as exported. */
const operationNames = (text: string) =>
  [...text.matchAll(/^fc_gateway_graphql_operations_total\{type="[^"]*",name="([^"]*)",/gm)].map(
    (match) => match[1],
  );

interface LogLine {
  level: number;
  msg: string;
  operation?: string | null;
  operationName?: string | null;
  requestId?: string;
}
const logLines = () => logs.lines.map((line) => JSON.parse(line) as LogLine);

/** Posts one raw GraphQL request body, optionally with a bearer token. */
async function post(body: Record<string, unknown>, headers: Record<string, string> = {}) {
  const response = await fetch(`${stack.gateway.url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe("operation-name labels", () => {
  it("201 anonymous requests with junk names leave an authenticated operation its own label", async () => {
    const junk = Array.from({ length: LABEL_SLOTS + 1 }, (_, i) => `Junk${i}`);
    for (let start = 0; start < junk.length; start += 25) {
      const answers = await Promise.all(
        junk
          .slice(start, start + 25)
          .map((name) => graphql(stack, `query ${name} { accounts { nodes { id } } }`)),
      );
      for (const answer of answers) expect(answer.status).toBe(401);
    }
    const real = await graphql(
      stack,
      "query RealDashboard { accounts(first: 5) { nodes { id } } }",
      {},
      customer.id,
    );
    expect(real.errors).toBeUndefined();

    const text = await metricsText();
    expect(operations(text, "query", "RealDashboard")).toBe(1);
    expect(operations(text, "query", "other")).toBeUndefined();
    expect(operationNames(text).filter((name) => name?.startsWith("Junk"))).toEqual([]);
    // Refused before anything but parsing, so their type is not known to the metrics: "unknown".
    expect(operations(text, "unknown", "unauthenticated")).toBe(LABEL_SLOTS + 1);
  });

  it("operations that fail validation or are refused count as `invalid`, not under their names", async () => {
    const token = `Bearer ${await tokenFor(stack, customer.id)}`;
    const typo = await graphql(
      stack,
      "query TypoName { acounts { nodes { id } } }",
      {},
      customer.id,
    );
    expect(typo.status).toBe(400);
    const tooCostly = await graphql(
      stack,
      "query CostlyName { accounts(first: 100) { nodes { id authorization { id } } } }",
      {},
      customer.id,
    );
    expect(tooCostly.status).toBe(400);
    expect(tooCostly.errors?.[0]?.extensions?.code).toBe("GRAPHQL_VALIDATION_FAILED");
    const unparsable = await post({ query: "query Broken {" }, { authorization: token });
    expect(unparsable.status).toBe(400);

    const text = await metricsText();
    for (const name of ["TypoName", "CostlyName", "Broken"])
      expect(operationNames(text)).not.toContain(name);
    expect(operations(text, "query", "invalid")).toBe(1);
    expect(operations(text, "unknown", "invalid")).toBe(2);
  });
});

describe("operation names over 100 characters", () => {
  it("are labelled as their first 100 characters and '…' (authenticated)", async () => {
    const answer = await graphql(
      stack,
      `query ${HUGE_NAME} { accounts(first: 1) { nodes { id } } }`,
      {},
      customer.id,
      { "x-request-id": "huge-name-authenticated" },
    );
    expect(answer.errors).toBeUndefined();
    const names = operationNames(await metricsText());
    expect(names).toContain(TRUNCATED);
    expect(names.every((name) => (name ?? "").length <= 101)).toBe(true);

    const line = logLines().find(
      (entry) => entry.msg === "graphql operation" && entry.requestId === "huge-name-authenticated",
    );
    expect(line?.operation).toBe(TRUNCATED);
  });

  it("are logged as their first 100 characters and '…' (anonymous, refused)", async () => {
    const refused = await post(
      { query: `query ${HUGE_NAME} { accounts { nodes { id } } }` },
      { "x-request-id": "huge-name-anonymous" },
    );
    expect(refused.status).toBe(401);
    const line = logLines().find(
      (entry) => entry.msg === "graphql operation" && entry.requestId === "huge-name-anonymous",
    );
    expect(line?.operation).toBe(TRUNCATED);
    // Only the trace-level copy of the query itself carries the whole name.
    const infoAndAbove = logs.lines.filter((text) => (JSON.parse(text) as LogLine).level >= 30);
    expect(infoAndAbove.some((text) => text.includes(HUGE_NAME))).toBe(false);
  });

  it("are truncated in the request's trace line too (the body's `operationName`)", async () => {
    // 40 KB, twice (query and operationName) inside the 100 KB body limit.
    const name = `Named${"z".repeat(40 * 1024)}`;
    const refused = await post(
      { query: `query ${name} { accounts { nodes { id } } }`, operationName: name },
      { "x-request-id": "long-operation-name-field" },
    );
    expect(refused.status).toBe(401);
    const line = logLines().find(
      (entry) => entry.msg === "graphql request" && entry.requestId === "long-operation-name-field",
    );
    expect(line?.operationName).toBe(`${name.slice(0, 100)}…`);
  });
});
