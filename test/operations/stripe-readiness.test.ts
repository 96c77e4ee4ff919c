import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { graphql, startStack, type TestStack } from "../support/gateway.js";
import { createCustomer, requestCounts } from "../support/sandbox-control.js";

/** The route the readiness probe asks for (any account id, `fca_readinessProbe` in fact). */
const PROBE_ROUTE = "GET /v1/financial_connections/accounts/{account}";

let quiet: TestStack;
let busy: TestStack;
beforeAll(async () => {
  quiet = await startStack();
  busy = await startStack();
});
afterAll(async () => {
  await quiet?.close();
  await busy?.close();
});

const probesSent = async (stack: TestStack) =>
  (await requestCounts(stack)).routes[PROBE_ROUTE] ?? 0;
const readyz = async (stack: TestStack) => (await fetch(`${stack.gateway.url}/readyz`)).status;

describe("/readyz and the Stripe budget (issue 14)", () => {
  it("probes Stripe once after a quiet spell, then reuses that outcome instead of probing on every call", async () => {
    expect(await probesSent(quiet)).toBe(0);
    expect(await readyz(quiet)).toBe(200);
    // At most one probe: the start-up sweep of the Events API may already count as a recent outcome.
    const first = await probesSent(quiet);
    expect(first).toBeLessThanOrEqual(1);
    for (let call = 0; call < 5; call++) expect(await readyz(quiet)).toBe(200);
    expect(await probesSent(quiet)).toBe(first);
  });

  it("answers from the outcome of real traffic: no probe is sent while customers' calls succeed", async () => {
    const customer = await createCustomer(busy, 2, 1);
    const answer = await graphql(busy, "{ accounts(first: 10) { nodes { id } } }", {}, customer.id);
    expect(answer.errors).toBeUndefined();
    for (let call = 0; call < 5; call++) expect(await readyz(busy)).toBe(200);
    expect(await probesSent(busy)).toBe(0);
  });
});
