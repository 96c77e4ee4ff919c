import type { SandboxContext } from "../context.js";
import { DELIVERY_MODES } from "../events/publisher.js";
import { invalidParam } from "../http/errors.js";
import type { JsonObject } from "../state/json.js";
import { asObject, onlyFields, optionalEnum } from "./input.js";

/** GET /_sandbox/webhooks: `{mode: "deliver" | "drop", urls: [the webhook destinations]}`. */
export function webhookSettings(context: SandboxContext): JsonObject {
  return { mode: context.events.deliveryMode(), urls: context.events.webhookUrls() };
}

/**
 * POST /_sandbox/webhooks `{mode: "deliver" | "drop"}`: while `drop`, events are recorded (and
 * listed by `/v1/events`, their deliveries `dropped`) but never delivered, to simulate missed
 * webhooks; switching back to `deliver` does not send them later (they stay missed, as with
 * Stripe once its retries are exhausted). Answers the settings as GET does. 400, changing
 * nothing, for a missing or unknown mode or any other field.
 */
export function setWebhookMode(context: SandboxContext, rawBody: unknown): JsonObject {
  const body = asObject(rawBody);
  onlyFields(body, ["mode"]);
  if (body.mode === undefined || body.mode === null) {
    throw invalidParam(
      "mode",
      `Missing required param: mode (one of ${DELIVERY_MODES.join(", ")}).`,
      "parameter_missing",
    );
  }
  context.events.setDeliveryMode(optionalEnum(body, "mode", DELIVERY_MODES, "deliver"));
  return webhookSettings(context);
}
