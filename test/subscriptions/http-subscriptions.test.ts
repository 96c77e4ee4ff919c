/**
 * Subscriptions without WebSocket: the same live events reach the real HTTP clients (graphql-sse
 * on /graphql/stream, Apollo Client 4's HttpLink with multipart on /graphql), for their own
 * customer only; their streams count in the customer's cap with its WebSockets; they end when
 * the gateway shuts down. Limits and refusals per operation: test/pipeline/cross-transport.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startStack, type TestStack, tokenFor } from "../support/gateway.js";
import { apolloFeed, type HttpFeed, sseFeed } from "../support/http-subscriptions.js";
import { receivedBefore, registered } from "../support/live.js";
import { control, createCustomer, type SandboxCustomer } from "../support/sandbox-control.js";

const WATCH = "subscription Watch { accountDeactivated { eventId account { id status } } }";

interface Deactivated {
  accountDeactivated: { eventId: string; account: { id: string; status: string } };
}

let stack: TestStack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.close());

const deactivate = (target: TestStack, customer: SandboxCustomer) =>
  control(target, "POST", `/_sandbox/accounts/${customer.accounts[0]}/deactivate`, {});

type Subscribe = (target: TestStack, token: string) => HttpFeed<Deactivated>;

const CLIENTS: [string, Subscribe][] = [
  ["graphql-sse (createClient, /graphql/stream)", (target, token) => sseFeed(target, token, WATCH)],
  [
    "Apollo Client 4 (HttpLink, multipart on /graphql)",
    (target, token) => apolloFeed(target, token, WATCH),
  ],
];

/** Subscribes as `customer` and resolves once the gateway registered the subscription. */
async function subscribed(target: TestStack, subscribe: Subscribe, customer: SandboxCustomer) {
  const token = await tokenFor(target, customer.id);
  return (await registered(target.gateway, customer.id, () =>
    subscribe(target, token),
  )) as HttpFeed<Deactivated>;
}

describe.each(CLIENTS)("%s", (_name, subscribe) => {
  it("receives accountDeactivated after a sandbox deactivation; the other customer receives nothing", async () => {
    const mine = await createCustomer(stack, 1, 1);
    const other = await createCustomer(stack, 1, 1);
    const myFeed = await subscribed(stack, subscribe, mine);
    const otherFeed = await subscribed(stack, subscribe, other);
    try {
      await deactivate(stack, mine);
      const [event] = await myFeed.changes.until(
        () => (myFeed.events.length > 0 ? myFeed.events : undefined),
        "the deactivation event",
      );
      expect(event?.accountDeactivated.account).toMatchObject({
        id: mine.accounts[0],
        status: "INACTIVE",
      });
      expect(myFeed.errors).toEqual([]);
      // The other customer's own deactivation is its sentinel: nothing of `mine` came before it.
      await deactivate(stack, other);
      const before = await receivedBefore(
        otherFeed,
        (data) => data.accountDeactivated.account.id === other.accounts[0],
        "the other customer's own event",
      );
      expect(before).toEqual([]);
      expect(otherFeed.errors).toEqual([]);
    } finally {
      myFeed.stop();
      otherFeed.stop();
    }
  });
});
