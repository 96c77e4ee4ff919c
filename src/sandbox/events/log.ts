import { SECONDS_PER_DAY } from "../state/ids.js";
import type { JsonObject } from "../state/json.js";
import type { DeliveryStatus } from "./deliver.js";

/** Stripe keeps events for 30 days: older ones are neither listed nor retrievable. */
export const EVENT_RETENTION_SECONDS = 30 * SECONDS_PER_DAY;

/** Beyond this many, the oldest events are forgotten even when younger than 30 days (bounded memory). */
const MAX_EVENTS = 10_000;

/** One emitted event (as built when emitted) and where its deliveries stand. */
export interface LoggedEvent {
  event: JsonObject;
  id: string;
  created: number;
  deliveries: DeliveryStatus[];
}

/**
 * The sandbox's event store: every event it emitted, oldest first, kept while its `created` is at
 * most 30 days before `now()` (and among the newest 10,000). Events are added in emission order,
 * with a clock that does not go back, so the oldest are always at the front.
 */
export class EventLog {
  private entries: LoggedEvent[] = [];
  private readonly byId = new Map<string, LoggedEvent>();

  constructor(
    private readonly now: () => number,
    private readonly maxEvents = MAX_EVENTS,
  ) {}

  /** Records an event just emitted. */
  add(entry: LoggedEvent): void {
    this.entries.push(entry);
    this.byId.set(entry.id, entry);
    this.forgetExpired();
  }

  /** Every event still kept, oldest first (the list endpoints reverse it). */
  retained(): readonly LoggedEvent[] {
    this.forgetExpired();
    return this.entries;
  }

  /** A kept event by id; undefined when unknown or older than 30 days. */
  find(id: string): LoggedEvent | undefined {
    this.forgetExpired();
    return this.byId.get(id);
  }

  private forgetExpired(): void {
    const oldestKept = this.now() - EVENT_RETENTION_SECONDS;
    let drop = Math.max(0, this.entries.length - this.maxEvents);
    while (drop < this.entries.length && (this.entries[drop]?.created ?? 0) < oldestKept) drop++;
    if (drop === 0) return;
    for (const entry of this.entries.splice(0, drop)) this.byId.delete(entry.id);
  }
}

/**
 * An event as the Events API shows it now: as emitted, except `pending_webhooks`, which counts the
 * destinations that have not (yet) acknowledged it: pending, failed and dropped deliveries.
 */
export function currentEvent(entry: LoggedEvent): JsonObject {
  return {
    ...entry.event,
    pending_webhooks: entry.deliveries.filter((delivery) => delivery.status !== "succeeded").length,
  };
}

/** True when every destination acknowledged the event (vacuously true without destinations). */
export function deliveredEverywhere(entry: LoggedEvent): boolean {
  return entry.deliveries.every((delivery) => delivery.status === "succeeded");
}
