import type { IncomingMessage, ServerResponse } from "node:http";
import { SpanStatusCode } from "@opentelemetry/api";
import express, { type ErrorRequestHandler, type Router } from "express";
import type Stripe from "stripe";
import type { Logger } from "../observability/logger.js";
import { ATTR, gatewayTracer, inSpan } from "../observability/spans.js";
import { stripeFailureOf } from "../stripe/stripe-failure.js";
import { describeBodyError, sendError } from "../transports/error-answers.js";
import { verifyStripeSignature, WebhookRejected } from "../webhooks/verify-signature.js";
import { type BodyPolicy, guardedBody } from "./body-guard.js";
import { WEBHOOK_BODY_LIMIT } from "./body-limits.js";
import { readBodyBytes } from "./body-reader.js";

/** What the webhook route reads: JSON (Stripe's events), at most WEBHOOK_BODY_LIMIT. */
const WEBHOOK_BODY: BodyPolicy = { limit: WEBHOOK_BODY_LIMIT, mediaTypes: ["application/json"] };

/** The webhook path. */
const WEBHOOK_PATH = "/webhooks/stripe";

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
   * Told what became of every delivery (for metrics): `onEvent`'s outcome, "rejected" (4xx: a
   * bad signature, a body that is not an event, a body too large or unreadable) or "failed" (500).
   */
  onOutcome?: (outcome: string) => void;
}

/**
 * `POST /webhooks/stripe`: reads the raw body (checked first by guardBody: at most 1 MB, else 413
 * as soon as that is known; not JSON 415; a compressed body inflated to at most 1 MB by
 * body-parser), verifies the signature
 * before parsing, answers 400 for any bad delivery (nothing is handed on), then what `onEvent`
 * decides, or 500 when it could not accept the event. Every error answer is JSON
 * `{error: {code, message}}`: BAD_REQUEST for a refused delivery (400, 413, 415),
 * EVENT_IN_PROGRESS (409), EVENT_NOT_ACCEPTED (500), METHOD_NOT_ALLOWED for anything but POST.
 * Each delivery is a span (`webhook intake`: the event's type and id once verified, the outcome,
 * the status answered), the parent of the Stripe calls its handling makes; never the body, the
 * signature or the secret.
 */
export function stripeWebhookRoute(options: WebhookRouteOptions): Router {
  const router = express.Router();
  const inflate = express.raw({ type: () => true, limit: WEBHOOK_BODY_LIMIT });
  const readBody = (request: IncomingMessage, response: ServerResponse) => {
    const encoding = request.headers["content-encoding"];
    if (encoding === undefined || encoding.toLowerCase() === "identity") {
      return readBodyBytes(request, WEBHOOK_BODY_LIMIT);
    }
    return new Promise<unknown>((resolve, reject) => {
      const carrier = request as IncomingMessage & { body?: unknown };
      inflate(carrier as never, response as never, (error?: unknown) => {
        if (error) reject(error);
        else resolve(carrier.body);
      });
    });
  };
  const bodyErrors: ErrorRequestHandler = (error, _request, response, next) => {
    const bodyError = describeBodyError(error);
    if (bodyError === undefined || response.headersSent) {
      next(error);
      return;
    }
    options.logger.warn({ reason: bodyError.message }, "webhook rejected");
    gatewayTracer()
      .startSpan("webhook intake", {
        attributes: { [ATTR.webhookOutcome]: "rejected", [ATTR.httpStatus]: bodyError.status },
      })
      .end();
    options.onOutcome?.("rejected");
    sendError(response, bodyError.status, "BAD_REQUEST", bodyError.message);
  };
  router.post(WEBHOOK_PATH, guardedBody(WEBHOOK_BODY, readBody), (request, response) =>
    inSpan("webhook intake", {}, async (span) => {
      const settle = (outcome: string, status: number) => {
        span.setAttribute(ATTR.webhookOutcome, outcome);
        span.setAttribute(ATTR.httpStatus, status);
        if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
        options.onOutcome?.(outcome);
      };
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
        settle("rejected", 400);
        sendError(response, 400, "BAD_REQUEST", reason);
        return;
      }
      span.setAttribute(ATTR.eventType, event.type);
      span.setAttribute(ATTR.eventId, event.id);
      try {
        const { status, outcome } = await options.onEvent(event);
        settle(outcome, status);
        if (status < 300) {
          response.status(status).json({ received: true, outcome });
          return;
        }
        response.status(status).json({
          received: false,
          outcome,
          error: {
            code: "EVENT_IN_PROGRESS",
            message: "Another delivery of this event is being handled; retry later.",
          },
        });
      } catch (error) {
        const upstream = stripeFailureOf(error) ?? null;
        options.logger.error(
          { eventId: event.id, upstream, err: error },
          "webhook event not accepted",
        );
        settle("failed", 500);
        sendError(response, 500, "EVENT_NOT_ACCEPTED", "Event not accepted; retry later.");
      }
    }),
  );
  router.use(WEBHOOK_PATH, bodyErrors);
  router.all(WEBHOOK_PATH, (_request, response) => {
    response.setHeader("allow", "POST");
    sendError(response, 405, "METHOD_NOT_ALLOWED", "Stripe webhooks are delivered with POST.");
  });
  return router;
}
