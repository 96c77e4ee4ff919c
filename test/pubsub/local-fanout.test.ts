import { describe, expect, it } from "vitest";
import type { AccountLifecycleMessage } from "../../src/pubsub/account-event.js";
import { LocalFanout } from "../../src/pubsub/local-fanout.js";
import type { StripeAccount } from "../../src/stripe/wire-types.js";

const message = (customerId: string, eventId: string): AccountLifecycleMessage => ({
  eventId,
  type: "DEACTIVATED",
  occurredAt: 1_767_225_600,
  customerId,
  account: { id: "fca_1" } as StripeAccount,
});

describe("LocalFanout subscriber counts", () => {
  it("counts each customer's subscriptions and announces every change with the new count", async () => {
    const fanout = new LocalFanout();
    const changes: [string, number][] = [];
    const unlisten = fanout.onSubscribersChanged((customerId, count) =>
      changes.push([customerId, count]),
    );
    const first = fanout.subscribe("cus_a");
    const second = fanout.subscribe("cus_a");
    const other = fanout.subscribe("cus_b");
    expect([fanout.subscribersOf("cus_a"), fanout.subscribersOf("cus_b")]).toEqual([2, 1]);
    await first.return?.();
    await first.return?.(); // a second return changes nothing, and announces nothing
    expect(fanout.subscribersOf("cus_a")).toBe(1);
    unlisten();
    await other.return?.();
    expect(changes).toEqual([
      ["cus_a", 1],
      ["cus_a", 2],
      ["cus_b", 1],
      ["cus_a", 1],
    ]);
    expect(fanout.subscribersOf("cus_nobody")).toBe(0);
    await second.return?.();
  });

  it("announces closeAll as zero subscribers for each customer", () => {
    const fanout = new LocalFanout();
    fanout.subscribe("cus_a");
    fanout.subscribe("cus_b");
    const changes: [string, number][] = [];
    fanout.onSubscribersChanged((customerId, count) => changes.push([customerId, count]));
    fanout.closeAll();
    expect(changes).toEqual([
      ["cus_a", 0],
      ["cus_b", 0],
    ]);
    expect(fanout.size).toBe(0);
  });

  it("keeps delivering when an observer throws", async () => {
    const fanout = new LocalFanout();
    fanout.onSubscribersChanged(() => {
      throw new Error("observer failure");
    });
    const events = fanout.subscribe("cus_a");
    fanout.deliver(message("cus_a", "evt_1"));
    expect((await events.next()).value?.eventId).toBe("evt_1");
  });
});

describe("LocalFanout unsubscribing", () => {
  it("a late second return() of an ended subscription leaves a newer subscriber of the same customer subscribed", async () => {
    const fanout = new LocalFanout();
    const ended = fanout.subscribe("cus_a");
    await ended.return?.();
    const newer = fanout.subscribe("cus_a");
    await ended.return?.(); // e.g. the transport completing an operation that already ended
    expect(fanout.subscribersOf("cus_a")).toBe(1);
    fanout.deliver(message("cus_a", "evt_after"));
    expect((await newer.next()).value?.eventId).toBe("evt_after");
    await newer.return?.();
  });
});
