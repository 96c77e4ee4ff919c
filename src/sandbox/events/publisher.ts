import type { JsonObject } from "../state/json.js";
import { buildEvent, type EventCause } from "./build.js";
import { type DeliveryStatus, type RetryPolicy, WebhookDeliverer } from "./deliver.js";
import { currentEvent, EventLog } from "./log.js";

/** What becomes of events emitted from now on: delivered to the webhook URLs, or dropped. */
export const DELIVERY_MODES = ["deliver", "drop"] as const;
/** One of DELIVERY_MODES. */
export type DeliveryMode = (typeof DELIVERY_MODES)[number];

/**
 * Emits events: builds them, records them in the event log (the Events API and the control API
 * list them) and hands them to the deliverer for every configured webhook URL. In `drop` mode an
 * event is recorded with its deliveries `dropped` and never sent, not even after switching back
 * to `deliver` (a missed webhook, as with Stripe once retries are exhausted); the mode applies to
 * events emitted while it is set, so retries of earlier events go on. Publishing never blocks and
 * never throws: delivery happens in the background after the caller has answered.
 */
export class EventPublisher {
  /** Every event emitted in the last 30 days, with its deliveries. */
  readonly log: EventLog;
  private urls: string[];
  private mode: DeliveryMode = "deliver";
  private readonly deliverer: WebhookDeliverer;
  private readonly now: () => number;

  /** `now`: the clock of event `created` times and of the log's 30 days, in Unix seconds. */
  constructor(options: {
    webhookUrls: string[];
    secret: string;
    retry: RetryPolicy;
    now: () => number;
  }) {
    this.urls = [...options.webhookUrls];
    this.deliverer = new WebhookDeliverer(options.secret, options.retry);
    this.now = options.now;
    this.log = new EventLog(options.now);
  }

  /** Replaces the destinations of events emitted from now on. */
  setWebhookUrls(urls: string[]): void {
    this.urls = [...urls];
  }

  /** The destinations of events emitted from now on. */
  webhookUrls(): string[] {
    return [...this.urls];
  }

  /** Delivers or drops the events emitted from now on. */
  setDeliveryMode(mode: DeliveryMode): void {
    this.mode = mode;
  }

  /** The current delivery mode. */
  deliveryMode(): DeliveryMode {
    return this.mode;
  }

  /** Builds, records and (in the background, unless dropping) delivers one event; returns its id. */
  publish(
    type: string,
    object: JsonObject,
    previousAttributes: JsonObject | null,
    cause: EventCause | null,
  ): string {
    const created = this.now();
    const event = buildEvent({
      type,
      object,
      previousAttributes,
      cause,
      pendingWebhooks: this.urls.length,
      created,
    });
    const dropping = this.mode === "drop";
    const deliveries: DeliveryStatus[] = this.urls.map((url) => ({
      url,
      status: dropping ? "dropped" : "pending",
      attempts: 0,
      lastStatusCode: null,
      lastError: null,
    }));
    const id = String(event.id);
    this.log.add({ event, id, created, deliveries });
    if (!dropping && deliveries.length > 0) {
      // Stripe pretty-prints event payloads; the exact bytes are what gets signed.
      const payload = JSON.stringify(event, null, 2);
      for (const delivery of deliveries) this.deliverer.deliver(payload, delivery);
    }
    return id;
  }

  /** Recorded events, newest first, each with `deliveries` (status per URL). */
  list(filter: { type?: string; limit?: number } = {}): JsonObject[] {
    const entries = this.log.retained();
    const result: JsonObject[] = [];
    for (
      let i = entries.length - 1;
      i >= 0 && result.length < (filter.limit ?? Number.POSITIVE_INFINITY);
      i--
    ) {
      const entry = entries[i];
      if (!entry || (filter.type && entry.event.type !== filter.type)) continue;
      result.push({
        ...currentEvent(entry),
        deliveries: entry.deliveries.map((delivery) => ({
          url: delivery.url,
          status: delivery.status,
          attempts: delivery.attempts,
          last_status_code: delivery.lastStatusCode,
          last_error: delivery.lastError,
        })),
      });
    }
    return result;
  }

  /** Cancels every pending delivery and retry. */
  close(): void {
    this.deliverer.close();
  }
}
