/**
 * Issue 20, HIGH 2: the gateway keeps no unbounded memory per distinct document text. One
 * customer sends 20,000 distinct documents (`{ __typename }` and a distinct comment, cost 1
 * each) through the real gateway: half too large to be worth caching, half small enough to be
 * cached, most of them over the customer's cost budget (429). The gateway's heap, read after
 * a full garbage collection, must end within DOCUMENT_FLOOD_HEAP_GROWTH_BYTES of where it began
 * (the bound stated in README's "Document cache" section).
 */
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startStack, type TestStack, tokenFor } from "../support/gateway.js";
import { pipelinedPosts } from "../support/pipelined-posts.js";

/** README: the heap may grow at most this much over a flood of 20,000 distinct documents. */
const DOCUMENT_FLOOD_HEAP_GROWTH_BYTES = 64 * 1024 * 1024;
const DOCUMENTS = 20_000;
/**
 * The customer's budget per minute: a quarter of the documents (cost 1 each) run in a window, the
 * rest of that window's are refused with 429 (however many windows the flood spans).
 */
const BUDGET = DOCUMENTS / 4;

// A full collection on demand, in this (forked) test process, which also runs the gateway.
setFlagsFromString("--expose-gc");
const collectGarbage = runInNewContext("gc") as () => void;

/** The heap after a full collection (twice: finalizers may free more on the second pass). */
function heapAfterCollection(): number {
  collectGarbage();
  collectGarbage();
  return process.memoryUsage().heapUsed;
}

/** One shared filler: building each document is a concatenation, not 40 KB of fresh text. */
const FILLER = "x".repeat(40_000);

/** Document `index`: even ones ~40 KB (not worth caching), odd ones ~6 KB (cacheable). */
function documentNumber(index: number): string {
  const filler = index % 2 === 0 ? FILLER : FILLER.slice(0, 6_000);
  return `{ __typename } # ${index} ${filler}`;
}

let stack: TestStack;
let authorization: string;

beforeAll(async () => {
  stack = await startStack({ env: { RATE_LIMIT_COST_PER_MINUTE: String(BUDGET) } });
  authorization = `Bearer ${await tokenFor(stack, "cus_SandboxAlice01")}`;
});

afterAll(async () => {
  await stack?.close();
});

/** Sends documents `from` to `to` (exclusive), pipelined; counts the answers by status. */
const send = (from: number, to: number) =>
  pipelinedPosts({
    url: stack.gateway.url,
    path: "/graphql",
    headers: { authorization },
    body: (index) => JSON.stringify({ query: documentNumber(index) }),
    from,
    to,
  });

describe("a flood of distinct documents", () => {
  it("leaves the heap within the stated bound, refused requests included", {
    timeout: 180_000,
  }, async () => {
    // Warm up: code paths compiled, pools and caches of fixed size allocated.
    await send(0, 200);
    const before = heapAfterCollection();
    const statuses = await send(200, DOCUMENTS);
    const growth = heapAfterCollection() - before;
    // The flood did what it says: a budget's worth ran, the others were refused over budget.
    expect(statuses.get(200)).toBeGreaterThanOrEqual(BUDGET - 200);
    expect(statuses.get(429)).toBeGreaterThan(0);
    expect((statuses.get(200) ?? 0) + (statuses.get(429) ?? 0)).toBe(DOCUMENTS - 200);
    const grownMegabytes = Math.round(growth / 2 ** 20);
    expect(growth, `the heap grew by ${grownMegabytes} MB`).toBeLessThan(
      DOCUMENT_FLOOD_HEAP_GROWTH_BYTES,
    );
  });
});
