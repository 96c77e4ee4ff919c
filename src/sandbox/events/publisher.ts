import { nowSeconds } from "../state/ids.js";
import type { JsonObject } from "../state/json.js";
import { buildEvent, type EventCause } from "./build.js";
import { type DeliveryStatus, type RetryPolicy, WebhookDeliverer } from "./deliver.js";

interface LoggedEvent {
  event: JsonObject;
  deliveries: DeliveryStatus[];
}

/** Older events are forgotten beyond this, so long runs keep a bounded log. */
const MAX_LOGGED_EVENTS = 10_000;

/**
 * Emits events: builds them, records them (the control API lists them) and hands them to the
 * deliverer for every configured webhook URL. Publishing never blocks and never throws: delivery
 * happens in the background after the caller has answered.
 */
export class EventPublisher {
  private readonly log: LoggedEvent[] = [];
  private urls: string[];
  private readonly deliverer: WebhookDeliverer;

  constructor(options: { webhookUrls: string[]; secret: string; retry: RetryPolicy }) {
    this.urls = [...options.webhookUrls];
    this.deliverer = new WebhookDeliverer(options.secret, options.retry);
  }

  /** Replaces the destinations of events emitted from now on. */
  setWebhookUrls(urls: string[]): void {
    this.urls = [...urls];
  }

  /** Builds, records and (in the background) delivers one event; returns its id. */
  publish(
    type: string,
    object: JsonObject,
    previousAttributes: JsonObject | null,
    cause: EventCause | null,
  ): string {
    const event = buildEvent({
      type,
      object,
      previousAttributes,
      cause,
      pendingWebhooks: this.urls.length,
      created: nowSeconds(),
    });
    const deliveries: DeliveryStatus[] = this.urls.map((url) => ({
      url,
      status: "pending",
      attempts: 0,
      lastStatusCode: null,
      lastError: null,
    }));
    this.log.push({ event, deliveries });
    if (this.log.length > MAX_LOGGED_EVENTS) this.log.shift();
    if (deliveries.length > 0) {
      // Stripe pretty-prints event payloads; the exact bytes are what gets signed.
      const payload = JSON.stringify(event, null, 2);
      for (const delivery of deliveries) this.deliverer.deliver(payload, delivery);
    }
    return String(event.id);
  }

  /** Recorded events, newest first, each with `deliveries` (status per URL). */
  list(filter: { type?: string; limit?: number } = {}): JsonObject[] {
    const result: JsonObject[] = [];
    for (
      let i = this.log.length - 1;
      i >= 0 && result.length < (filter.limit ?? Number.POSITIVE_INFINITY);
      i--
    ) {
      const entry = this.log[i];
      if (!entry || (filter.type && entry.event.type !== filter.type)) continue;
      result.push({
        ...entry.event,
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
