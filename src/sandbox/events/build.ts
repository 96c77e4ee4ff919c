import { PREVIEW_API_VERSION } from "../../shared/sandbox-defaults.js";
import { randomId } from "../state/ids.js";
import type { JsonObject } from "../state/json.js";

/** The API request that caused an event; null for changes that come from the bank's side. */
export interface EventCause {
  requestId: string;
  idempotencyKey: string | null;
}

/**
 * A Stripe `event` object (v1 snapshot event): `data.object` is the object as rendered now,
 * `data.previous_attributes` the changed fields before the change when known. Never throws.
 */
export function buildEvent(input: {
  type: string;
  object: JsonObject;
  previousAttributes: JsonObject | null;
  cause: EventCause | null;
  pendingWebhooks: number;
  created: number;
}): JsonObject {
  const data: JsonObject = { object: input.object };
  if (input.previousAttributes) data.previous_attributes = input.previousAttributes;
  return {
    id: randomId("evt"),
    object: "event",
    api_version: PREVIEW_API_VERSION,
    created: input.created,
    data,
    livemode: false,
    pending_webhooks: input.pendingWebhooks,
    request: {
      id: input.cause?.requestId ?? null,
      idempotency_key: input.cause?.idempotencyKey ?? null,
    },
    type: input.type,
  };
}
