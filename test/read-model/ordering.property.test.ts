import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SANDBOX_DEV_API_KEY } from "../../src/shared/sandbox-defaults.js";
import { graphql, startStack, type TestStack } from "../support/gateway.js";
import { coldCustomer } from "../support/read-model.js";
import { controlOf } from "../support/sandbox-control.js";
import { deliverSigned } from "../support/webhook.js";

let stack: TestStack;
beforeAll(async () => {
  stack = await startStack({ env: { RATE_LIMIT_COST_PER_MINUTE: "100000000" } });
});
afterAll(() => stack.close());

const stripeGet = async (path: string) => {
  const response = await fetch(`${stack.sandbox.url}${path}`, {
    headers: { authorization: `Bearer ${SANDBOX_DEV_API_KEY}` },
  });
  return response;
};

/** The account's status as the gateway shows it (a plain read: the read model's state). */
async function gatewayStatus(customerId: string, accountId: string, refresh = false) {
  const answer = await graphql<{ account: { status: string } | null }>(
    stack,
    "query($id: ID!, $refresh: Boolean) { account(id: $id, refresh: $refresh) { status } }",
    { id: accountId, refresh },
    customerId,
  );
  expect(answer.errors).toBeUndefined();
  return answer.data?.account?.status;
}

type Step =
  | { kind: "change"; action: "deactivate" | "reactivate" }
  | { kind: "deliver"; pick: number }
  | { kind: "read" }
  | { kind: "refresh" };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({
    kind: fc.constant("change" as const),
    action: fc.constantFrom("deactivate" as const, "reactivate" as const),
  }),
  fc.record({ kind: fc.constant("deliver" as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant("read" as const) }),
  fc.record({ kind: fc.constant("refresh" as const) }),
);

describe("property: events, reads and revalidations in any order end in Stripe's final state", () => {
  it("the read model (and queries) show Stripe's final status once every event is delivered", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(step, { minLength: 1, maxLength: 8 }),
        fc.array(fc.nat(), { minLength: 8, maxLength: 8 }),
        async (steps, finalOrder) => {
          await controlOf(stack).setWebhookMode("deliver");
          const customer = await coldCustomer(stack, 1, 1);
          const [accountId] = customer.accounts as [string];
          await gatewayStatus(customer.id, accountId);
          // From here, Stripe's deliveries are the test's to make, in the order it chooses.
          await controlOf(stack).setWebhookMode("drop");
          const pending: string[] = [];
          const deliver = async (eventId: string) => {
            const event = await (await stripeGet(`/v1/events/${eventId}`)).text();
            const answer = await deliverSigned(stack, event);
            expect(answer.status).toBe(200);
          };
          // Reads run concurrently with the next step, as they would in production.
          const inFlight: Promise<unknown>[] = [];
          for (const current of steps) {
            if (current.kind === "change") {
              const result = await controlOf(stack)
                .account(accountId, current.action)
                .catch(() => undefined); // e.g. reactivating an active account: nothing changes
              pending.push(...(result?.events ?? []));
            } else if (current.kind === "deliver" && pending.length > 0) {
              await deliver(pending[current.pick % pending.length] ?? "");
            } else if (current.kind === "read") {
              inFlight.push(gatewayStatus(customer.id, accountId));
            } else if (current.kind === "refresh") {
              inFlight.push(gatewayStatus(customer.id, accountId, true));
            }
          }
          await Promise.all(inFlight);
          // Every event is delivered at last, in an order of the property's choosing (late ones too).
          const order = pending
            .map((eventId, index) => ({ eventId, key: finalOrder[index % finalOrder.length] ?? 0 }))
            .sort((a, b) => a.key - b.key);
          await Promise.all(order.map(({ eventId }) => deliver(eventId)));

          const stripe = (await (
            await stripeGet(`/v1/financial_connections/accounts/${accountId}`)
          ).json()) as { status: string };
          const stored = await stack.gateway.readModel.store.get("account", customer.id, accountId);
          expect(stored?.object.status).toBe(stripe.status);
          expect((await gatewayStatus(customer.id, accountId))?.toLowerCase()).toBe(stripe.status);
        },
      ),
      { numRuns: 20 },
    );
  }, 120_000);
});
