import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import { SpanStatusCode } from "@opentelemetry/api";
import express, { type ErrorRequestHandler, type Router } from "express";
import type Stripe from "stripe";
import type { Logger } from "../observability/logger.js";
import { ATTR, gatewayTracer, inSpan } from "../observability/spans.js";
import { stripeFailureOf } from "../stripe/stripe-failure.js";
import {
  answerUnexpected,
  describeBodyError,
  isClientGone,
  sendError,
  writeJson,
} from "../transports/error-answers.js";
import { assignRequestId } from "../transports/request-id.js";
import { verifyStripeSignature, WebhookRejected } from "../webhooks/verify-signature.js";
import { type BodyPolicy, guardBody, guardedBody } from "./body-guard.js";
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

/** The route's work, shared by the lean listener and the Express router. */
interface WebhookHandling {
  /** Reads the raw body: bytes as sent, or inflated by body-parser when compressed. */
  readBody(request: IncomingMessage, response: ServerResponse): Promise<unknown>;
  /** Answers a request-body failure (400, 413, 415) and counts it; false for any other error. */
  rejectBody(error: unknown, response: ServerResponse): boolean;
  /** Verifies the delivery's body, hands the event on and answers what became of it. */
  deliver(request: IncomingMessage, response: ServerResponse, body: unknown): Promise<void>;
  /** The answer to any method but POST: 405 with `Allow: POST`. */
  refuseMethod(response: ServerResponse): void;
}

function webhookHandling(options: WebhookRouteOptions): WebhookHandling {
  const inflate = express.raw({ type: () => true, limit: WEBHOOK_BODY_LIMIT });
  return {
    readBody: (request, response) => {
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
    },
    rejectBody: (error, response) => {
      const bodyError = describeBodyError(error);
      if (bodyError === undefined || response.headersSent) return false;
      options.logger.warn({ reason: bodyError.message }, "webhook rejected");
      gatewayTracer()
        .startSpan("webhook intake", {
          attributes: { [ATTR.webhookOutcome]: "rejected", [ATTR.httpStatus]: bodyError.status },
        })
        .end();
      options.onOutcome?.("rejected");
      sendError(response, bodyError.status, "BAD_REQUEST", bodyError.message);
      return true;
    },
    deliver: (request, response, body) =>
      inSpan("webhook intake", {}, async (span) => {
        const settle = (outcome: string, status: number) => {
          span.setAttribute(ATTR.webhookOutcome, outcome);
          span.setAttribute(ATTR.httpStatus, status);
          if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
          options.onOutcome?.(outcome);
        };
        const rawBody = Buffer.isBuffer(body) ? body : Buffer.alloc(0);
        const header = request.headers["stripe-signature"];
        let event: Stripe.Event;
        try {
          event = verifyStripeSignature(
            options.stripe,
            rawBody,
            Array.isArray(header) ? header.join(", ") : header,
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
            writeJson(response, status, { received: true, outcome });
            return;
          }
          writeJson(response, status, {
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
    refuseMethod: (response) => {
      response.setHeader("allow", "POST");
      sendError(response, 405, "METHOD_NOT_ALLOWED", "Stripe webhooks are delivered with POST.");
    },
  };
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
 * signature or the secret. As an Express router: the paths Express matches beside the exact one
 * (`/webhooks/stripe/`, another letter case), which stripeWebhookListener leaves to the app.
 */
export function stripeWebhookRoute(options: WebhookRouteOptions): Router {
  const handling = webhookHandling(options);
  const router = express.Router();
  const bodyErrors: ErrorRequestHandler = (error, _request, response, next) => {
    if (!handling.rejectBody(error, response)) next(error);
  };
  router.post(WEBHOOK_PATH, guardedBody(WEBHOOK_BODY, handling.readBody), (request, response) =>
    handling.deliver(request, response, request.body),
  );
  router.use(WEBHOOK_PATH, bodyErrors);
  router.all(WEBHOOK_PATH, (_request, response) => handling.refuseMethod(response));
  return router;
}

/** True for `/webhooks/stripe` exactly (any query string): the requests the lean listener answers. */
export function isWebhookRequest(request: IncomingMessage): boolean {
  const url = request.url ?? "";
  const queryAt = url.indexOf("?");
  return (queryAt === -1 ? url : url.slice(0, queryAt)) === WEBHOOK_PATH;
}

/** What the lean webhook listener is built from, beside the route's own options. */
export interface WebhookListenerOptions extends WebhookRouteOptions {
  /** Every other request: the next listener (the lean GraphQL one, then the Express app). */
  next: RequestListener;
  /** The security headers of every API answer (apiSecurityHeaderList). */
  securityHeaders: ReadonlyArray<readonly [string, string]>;
}

/**
 * The HTTP server's request listener for `/webhooks/stripe` (isWebhookRequest): the route
 * stripeWebhookRoute serves, answered without Express's router and middleware chain, with what
 * that chain gave it (the request id, the API security headers) and the same answers, a failure
 * that is not the body's answered as finalErrorHandler does (500 `INTERNAL_SERVER_ERROR`, logged;
 * after the answer began, the connection closed).
 * Every other request goes to `next`.
 */
export function stripeWebhookListener(options: WebhookListenerOptions): RequestListener {
  const { next, securityHeaders, logger } = options;
  const handling = webhookHandling(options);
  const fail = (request: IncomingMessage, response: ServerResponse, error: unknown) => {
    if (handling.rejectBody(error, response)) return;
    if (response.headersSent) {
      if (isClientGone(error)) {
        const { code } = error as { code: string };
        logger.debug({ code, path: WEBHOOK_PATH }, "client gone");
      } else {
        logger.error(
          { err: error, method: request.method, path: WEBHOOK_PATH },
          "error after the answer began",
        );
      }
      response.destroy();
      return;
    }
    answerUnexpected(response, error, logger, { method: request.method, path: WEBHOOK_PATH });
  };
  return (request, response) => {
    if (!isWebhookRequest(request)) {
      next(request, response);
      return;
    }
    assignRequestId(request, response);
    for (const [name, value] of securityHeaders) response.setHeader(name, value);
    if (request.method !== "POST") {
      handling.refuseMethod(response);
      return;
    }
    const refusal = guardBody(request, WEBHOOK_BODY);
    if (refusal !== undefined) {
      fail(request, response, refusal);
      return;
    }
    handling
      .readBody(request, response)
      .then((body) => handling.deliver(request, response, body))
      .catch((error: unknown) => fail(request, response, error));
  };
}
