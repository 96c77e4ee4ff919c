import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MISS_BUDGET } from "../../src/read-model/read-model.js";
import { graphql, startStack, type TestStack } from "../support/gateway.js";
import { coldCustomer } from "../support/read-model.js";
import { ROUTES, requestCounts, resetRequests } from "../support/sandbox-control.js";

let stack: TestStack;
beforeAll(async () => {
  stack = await startStack({ env: { RATE_LIMIT_COST_PER_MINUTE: "10000000" } });
});
afterAll(() => stack.close());

const ask = (customerId: string, id: string) =>
  graphql<{ account: unknown }>(
    stack,
    "query($id: ID!) { account(id: $id) { id } }",
    { id },
    customerId,
  );

describe("ids that are not the viewer's cost Stripe little", () => {
  it("a missing id asked again and again is looked up once (remembered)", async () => {
    const customer = await coldCustomer(stack, 1, 1);
    await resetRequests(stack);
    for (let i = 0; i < 5; i += 1) {
      const answer = await ask(customer.id, "fca_DoesNotExist000001");
      expect(answer.data?.account).toBeNull();
      expect(answer.errors?.[0]?.extensions?.code).toBe("NOT_FOUND");
    }
    expect((await requestCounts(stack)).routes[ROUTES.retrieveAccount]).toBe(1);
  });

  it(`30 different missing ids in a minute make at most ${MISS_BUDGET} Stripe calls`, async () => {
    const customer = await coldCustomer(stack, 1, 1);
    await resetRequests(stack);
    const codes: unknown[] = [];
    for (let i = 0; i < 30; i += 1) {
      const answer = await ask(customer.id, `fca_Missing${String(i).padStart(10, "0")}`);
      codes.push(answer.errors?.[0]?.extensions?.code);
    }
    // Past the budget, the customer's account set is loaded once (one list call) to tell its own
    // ids apart; other ids get RATE_LIMITED (retry after the minute) without asking Stripe.
    expect(codes.slice(0, MISS_BUDGET)).toEqual(Array(MISS_BUDGET).fill("NOT_FOUND"));
    expect(codes.slice(MISS_BUDGET)).toEqual(Array(30 - MISS_BUDGET).fill("RATE_LIMITED"));
    const counts = await requestCounts(stack);
    expect(counts.routes[ROUTES.retrieveAccount]).toBeLessThanOrEqual(MISS_BUDGET);
    expect(counts.total).toBeLessThanOrEqual(MISS_BUDGET + 1);
    // The customer's own accounts still answer.
    const own = await ask(customer.id, customer.accounts[0] ?? "");
    expect(own.data?.account).toEqual({ id: customer.accounts[0] });
  });

  it(`the issue's flood, 8 concurrent nodes(ids: [40 missing ids]), makes at most ${MISS_BUDGET} lookups and one listing`, async () => {
    const customer = await coldCustomer(stack, 1, 1);
    await resetRequests(stack);
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, query) => {
        const ids = Array.from({ length: 40 }, (_, i) => `"fca_Flood${query}x${i}"`).join(", ");
        return graphql(stack, `{ nodes(ids: [${ids}]) { id } }`, {}, customer.id);
      }),
    );
    // Each id is missing (NOT_FOUND) or past the customer's miss budget (RATE_LIMITED).
    for (const answer of answers)
      for (const error of answer.errors ?? [])
        expect(["NOT_FOUND", "RATE_LIMITED"]).toContain(error.extensions?.code);
    // Lookups in flight count against the budget as they start, not only once they missed.
    const counts = await requestCounts(stack);
    expect(counts.routes[ROUTES.retrieveAccount]).toBeLessThanOrEqual(MISS_BUDGET);
    expect(counts.total).toBeLessThanOrEqual(MISS_BUDGET + 1);
  });

  it("another customer's id is remembered exactly like a missing one", async () => {
    const owner = await coldCustomer(stack, 1, 1);
    const asker = await coldCustomer(stack, 1, 1);
    await resetRequests(stack);
    const foreign = [
      await ask(asker.id, owner.accounts[0] ?? ""),
      await ask(asker.id, owner.accounts[0] ?? ""),
    ];
    const foreignCalls = (await requestCounts(stack)).total;
    await resetRequests(stack);
    const missing = [
      await ask(asker.id, "fca_NoSuchAccount0002"),
      await ask(asker.id, "fca_NoSuchAccount0002"),
    ];
    expect(foreignCalls).toBe((await requestCounts(stack)).total);
    expect(foreign.map((answer) => answer.errors?.[0]?.extensions)).toEqual(
      missing.map((answer) => answer.errors?.[0]?.extensions),
    );
  });
});
