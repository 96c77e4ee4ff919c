/**
 * An open subscription holds no data access of its own: the subscription field's `subscribe`
 * reads the viewer from the context, never `context.data` (which would build the operation's
 * loaders, Stripe client and actions, and keep them for as long as the subscription is open);
 * each event gets a fresh context that builds its own.
 */
import { describe, expect, it } from "vitest";
import { UnauthenticatedError } from "../../src/data/errors.js";
import type { GatewayContext } from "../../src/graphql/context.js";
import { Subscription } from "../../src/graphql/resolvers/subscription.js";
import type { AccountEventBus } from "../../src/pubsub/event-bus.js";

/** A context whose data access fails the test if anything builds it. */
function contextWithoutData(customerId: string | null, subscribed: string[]): GatewayContext {
  const events: Partial<AccountEventBus> = {
    subscribe: (customer) => {
      subscribed.push(customer);
      return (async function* () {})();
    },
  };
  const context = {
    viewer: customerId === null ? null : { customerId },
    accountEvents: events,
  };
  Object.defineProperty(context, "data", {
    get: () => {
      throw new Error("the subscription built a data access");
    },
  });
  return context as unknown as GatewayContext;
}

/** The `subscribe` of a subscription field, callable outside graphql-js. */
const subscribeOf = (field: keyof typeof Subscription) =>
  (Subscription[field] as { subscribe: (...args: unknown[]) => Promise<unknown> }).subscribe;

describe("a subscription's own context", () => {
  for (const field of ["accountStatusChanged", "accountDeactivated"] as const) {
    it(`${field}: subscribes the viewer's customer without building a data access`, async () => {
      const subscribed: string[] = [];
      const context = contextWithoutData("cus_subscriber", subscribed);
      const stream = await subscribeOf(field)({}, {}, context, {});
      expect(stream).toBeDefined();
      expect(subscribed).toEqual(["cus_subscriber"]);
    });
  }

  it("refuses an anonymous subscriber as unauthenticated, subscribing nothing", async () => {
    const subscribed: string[] = [];
    const context = contextWithoutData(null, subscribed);
    await expect(subscribeOf("accountStatusChanged")({}, {}, context, {})).rejects.toBeInstanceOf(
      UnauthenticatedError,
    );
    expect(subscribed).toEqual([]);
  });
});
