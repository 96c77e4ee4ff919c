import { describe, expect, it } from "vitest";
import {
  type CallTicket,
  currentTicket,
  sendWithTicket,
  ticketStorageOn,
} from "../../src/stripe/call-ticket.js";
import { SYSTEM_CALLER } from "../../src/stripe/fair-limiter.js";

/** A ticket told apart by its route. */
const ticket = (route: string): CallTicket => ({ caller: SYSTEM_CALLER, prepaid: true, route });

/** Resolves on a later turn of the event loop (a timer), as an HTTP answer would. */
const later = () => new Promise<void>((resolve) => setImmediate(resolve));

describe("call tickets", () => {
  it("an SDK call sees its own ticket after awaits, while other calls start and finish around it", async () => {
    const seen: (string | undefined)[] = [];
    let releaseLong: () => void = () => {};
    const longGate = new Promise<void>((resolve) => {
      releaseLong = resolve;
    });
    const long = sendWithTicket(ticket("long"), async () => {
      await longGate;
      await later();
      seen.push(currentTicket()?.route);
    });
    // A short call starts and finishes while the long one waits: the storage stays on for it.
    await sendWithTicket(ticket("short"), async () => {
      await later();
      seen.push(currentTicket()?.route);
    });
    releaseLong();
    await long;
    expect(seen).toEqual(["short", "long"]);
  });

  it("no ticket outside a call, before and after one", async () => {
    expect(currentTicket()).toBeUndefined();
    await sendWithTicket(ticket("one"), async () => {
      await later();
      expect(currentTicket()?.route).toBe("one");
    });
    expect(currentTicket()).toBeUndefined();
    await later();
    expect(currentTicket()).toBeUndefined();
    // A second call after the storage was turned off sees its own ticket again.
    await sendWithTicket(ticket("two"), async () => {
      await later();
      expect(currentTicket()?.route).toBe("two");
    });
  });

  it("a call that throws still turns the storage off, and the error reaches the caller", async () => {
    await expect(
      sendWithTicket(ticket("failing"), async () => {
        await later();
        throw new Error("upstream failed");
      }),
    ).rejects.toThrow("upstream failed");
    expect(currentTicket()).toBeUndefined();
  });

  it("the storage (an async hook on every promise, on Node 20) is on only while a call is in flight", async () => {
    expect(ticketStorageOn()).toBe(false);
    let releaseFirst: () => void = () => {};
    const firstGate = new Promise<void>((resolve) => {
      releaseFirst = resolve;
    });
    const first = sendWithTicket(ticket("first"), () => firstGate);
    expect(ticketStorageOn()).toBe(true);
    await sendWithTicket(ticket("second"), later);
    // The second call ended while the first is still in flight: still on.
    expect(ticketStorageOn()).toBe(true);
    releaseFirst();
    await first;
    expect(ticketStorageOn()).toBe(false);
    await expect(
      sendWithTicket(ticket("failing"), async () => {
        throw new Error("refused");
      }),
    ).rejects.toThrow("refused");
    expect(ticketStorageOn()).toBe(false);
  });
});
