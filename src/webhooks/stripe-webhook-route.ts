import express, { type Router } from "express";
import type Stripe from "stripe";
import type { Logger } from "../observability/logger.js";
import { stripeFailureOf } from "../stripe/stripe-failure.js";
import { verifyStripeSignature, WebhookRejected } from "./verify-signature.js";

/** Largest webhook body accepted; Stripe's events are far smaller. */
export const WEBHOOK_BODY_LIMIT = "1mb";

/** What the webhook route needs. */
export interface WebhookRouteOptions {
  stripe: Stripe;
  secrets: readonly string[];
  logger: Logger;
  /**
   * Called with each verified event; resolves with the status to answer (2xx accepted, 409 being
   * handled by another delivery) and rejects when the event could not be accepted (then 500, so
   * Stripe retries).
   */
  onEvent: (event: Stripe.Event) => Promise<{ status: number; outcome: string }>;
  /**
   * Told what became of every delivery (for metrics): `onEvent`'s outcome, "rejected" (400, 413
   * is answered before this route) or "failed" (500).
   */
  onOutcome?: (outcome: string) => void;
}

/**
 * `POST /webhooks/stripe`: reads the raw body (at most 1 MB, else 413), verifies the signature
 * before parsing, answers 400 for any bad delivery (nothing is handed on), then what `onEvent`
 * decides, or 500 when it could not accept the event.
 */
export function stripeWebhookRoute(options: WebhookRouteOptions): Router {
  const router = express.Router();
  router.post(
    "/webhooks/stripe",
    express.raw({ type: () => true, limit: WEBHOOK_BODY_LIMIT }),
    async (request, response) => {
      const rawBody = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      let event: Stripe.Event;
      try {
        event = verifyStripeSignature(
          options.stripe,
          rawBody,
          request.header("stripe-signature"),
          options.secrets,
        );
      } catch (error) {
        const reason = error instanceof WebhookRejected ? error.message : "Invalid webhook.";
        options.logger.warn({ reason }, "webhook rejected");
        options.onOutcome?.("rejected");
        response.status(400).json({ error: reason });
        return;
      }
      try {
        const { status, outcome } = await options.onEvent(event);
        options.onOutcome?.(outcome);
        response.status(status).json({ received: status < 300, outcome });
      } catch (error) {
        const upstream = stripeFailureOf(error) ?? null;
        options.logger.error(
          { eventId: event.id, upstream, err: error },
          "webhook event not accepted",
        );
        options.onOutcome?.("failed");
        response.status(500).json({ error: "Event not accepted; retry later." });
      }
    },
  );
  return router;
}
