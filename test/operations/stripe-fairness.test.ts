import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startStack, type TestStack, tokenFor } from "../support/gateway.js";
import {
  type RateLimitedUpstream,
  startRateLimitedUpstream,
} from "../support/rate-limited-upstream.js";

/** Stripe's test-mode limit, enforced by the 429 proxy and matched by the gateway's limiter. */
const LIMIT = 25;
/** The attack from issue 14: 8 concurrent queries of 40 unknown ids each. */
const FLOOD_QUERIES = 8;
const IDS_PER_QUERY = 40;
const MAX_QUEUE = 10;
/** STRIPE_MAX_CONCURRENCY's default: Stripe calls one operation keeps in flight. */
const PER_OPERATION_CONCURRENCY = 8;

const DASHBOARD = `query Dashboard { accounts(first: 100) { nodes { id status health { state }
  authorization { id status } } } }`;

let stack: TestStack;
let upstream: RateLimitedUpstream;
let quietToken: string;
let floodToken: string;

/** Posts `query` with `token`; the answer's status, Retry-After header and JSON body. */
async function post(token: string, query: string) {
  const answer = await fetch(`${stack.gateway.url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify({ query }),
  });
  const body = (await answer.json()) as {
    data?: unknown;
    errors?: { extensions?: { code?: string } }[];
  };
  return { status: answer.status, retryAfter: answer.headers.get("retry-after"), body };
}

/** How many requests reached Stripe while one dashboard query by the quiet customer ran. */
async function upstreamRequestsDuringDashboard() {
  const before = upstream.stats().requests;
  const answer = await post(quietToken, DASHBOARD);
  expect(answer.body.errors).toBeUndefined();
  return upstream.stats().requests - before;
}

beforeAll(async () => {
  stack = await startStack({
    env: {
      STRIPE_RATE_LIMIT_PER_SECOND: String(LIMIT),
      STRIPE_QUEUE_MAX_PER_CUSTOMER: String(MAX_QUEUE),
      STRIPE_QUEUE_MAX_WAIT_MS: "20000",
      RATE_LIMIT_COST_PER_MINUTE: "100000000",
    },
    upstream: async (sandboxUrl) => {
      upstream = await startRateLimitedUpstream(sandboxUrl, LIMIT);
      return upstream;
    },
  });
  const customer = async () => {
    const response = await fetch(`${stack.sandbox.url}/_sandbox/customers`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ accounts: 3, authorizations: 1 }),
    });
    return ((await response.json()) as { id: string }).id;
  };
  quietToken = await tokenFor(stack, await customer());
  floodToken = await tokenFor(stack, await customer());
});
afterAll(async () => {
  await stack?.close();
});

describe("one customer's flood of Stripe calls (issue 14)", () => {
  it("does not delay another customer's dashboard, keeps /readyz 200, and refuses the flooder with RATE_LIMITED and Retry-After", async () => {
    const unloaded = await upstreamRequestsDuringDashboard();

    const flood = Array.from({ length: FLOOD_QUERIES }, (_, query) => {
      const ids = Array.from(
        { length: IDS_PER_QUERY },
        (_, index) => `"fca_flood${query}x${index}"`,
      ).join(", ");
      return post(floodToken, `{ nodes(ids: [${ids}]) { id } }`);
    });
    // Measured while the flooder's queue is full: the quiet customer takes turns with it, so
    // only a few of the flooder's calls go out while the dashboard runs (first come, first
    // served it would wait behind the flooder's whole backlog).
    const loaded = await upstreamRequestsDuringDashboard();
    const ready = await fetch(`${stack.gateway.url}/readyz`);
    const floodAnswers = await Promise.all(flood);

    expect(ready.status).toBe(200);
    // First come, first served, the dashboard's calls would queue behind every flood call in
    // flight (8 queries x 8 concurrent calls = 64); taking turns, a handful go out meanwhile.
    // Work is counted, not time (the "within 2x latency", measured without a clock).
    expect(loaded - unloaded).toBeLessThan((FLOOD_QUERIES * PER_OPERATION_CONCURRENCY) / 3);
    const refused = floodAnswers.filter((answer) =>
      answer.body.errors?.some((error) => error.extensions?.code === "RATE_LIMITED"),
    );
    expect(refused.length).toBeGreaterThan(0);
    for (const answer of refused) expect(Number(answer.retryAfter)).toBeGreaterThanOrEqual(1);
    expect(upstream.stats().rateLimited).toBe(0);
  });
});
