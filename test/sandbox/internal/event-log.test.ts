import { describe, expect, it } from "vitest";
import type { DeliveryStatus } from "../../../src/sandbox/events/deliver.js";
import {
  currentEvent,
  deliveredEverywhere,
  EVENT_RETENTION_SECONDS,
  EventLog,
  type LoggedEvent,
} from "../../../src/sandbox/events/log.js";

const delivery = (status: DeliveryStatus["status"]): DeliveryStatus => ({
  url: "http://127.0.0.1:1/hook",
  status,
  attempts: 0,
  lastStatusCode: null,
  lastError: null,
});

function entry(id: string, created: number, deliveries: DeliveryStatus[] = []): LoggedEvent {
  return { id, created, deliveries, event: { id, object: "event", pending_webhooks: 9 } };
}

describe("the event log", () => {
  it("keeps events created at most 30 days ago, oldest first", () => {
    let now = 1_000_000_000;
    const log = new EventLog(() => now);
    log.add(entry("evt_old", now));
    now += 10;
    log.add(entry("evt_new", now));
    now += EVENT_RETENTION_SECONDS - 10;
    expect(log.retained().map((e) => e.id)).toEqual(["evt_old", "evt_new"]);
    now += 1;
    expect(log.retained().map((e) => e.id)).toEqual(["evt_new"]);
    expect(log.find("evt_old")).toBeUndefined();
    expect(log.find("evt_new")?.id).toBe("evt_new");
  });

  it("forgets the oldest beyond its capacity", () => {
    const log = new EventLog(() => 1_000_000_000, 3);
    for (const n of [1, 2, 3, 4]) log.add(entry(`evt_${n}`, 1_000_000_000));
    expect(log.retained().map((e) => e.id)).toEqual(["evt_2", "evt_3", "evt_4"]);
    expect(log.find("evt_1")).toBeUndefined();
  });

  it("shows pending_webhooks as the deliveries not acknowledged yet", () => {
    const mixed = entry("evt_1", 1, [
      delivery("succeeded"),
      delivery("pending"),
      delivery("failed"),
      delivery("dropped"),
    ]);
    expect(currentEvent(mixed).pending_webhooks).toBe(3);
    expect(deliveredEverywhere(mixed)).toBe(false);
    const done = entry("evt_2", 1, [delivery("succeeded")]);
    expect(currentEvent(done)).toEqual({ id: "evt_2", object: "event", pending_webhooks: 0 });
    expect(deliveredEverywhere(done)).toBe(true);
    expect(deliveredEverywhere(entry("evt_3", 1))).toBe(true);
  });
});
