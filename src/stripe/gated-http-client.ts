import { type Span, SpanKind, SpanStatusCode } from "@opentelemetry/api";
import Stripe from "stripe";
import { ATTR, gatewayTracer, tracingRegistered, UNTRACED_SPAN } from "../observability/spans.js";
import { takeTicket } from "./call-ticket.js";
import { type FairStripeLimiter, SYSTEM_CALLER } from "./fair-limiter.js";
import { routeTemplateOf } from "./route-template.js";

/** The HTTP client shape stripe-node accepts as its `httpClient` option. */
type HttpClient = NonNullable<Stripe.StripeConfig["httpClient"]>;

const headerText = (value: string | string[] | undefined) =>
  Array.isArray(value) ? value[0] : value;

/**
 * stripe-node's Node HTTP client behind `limiter`: every request the SDK sends takes a token.
 * This is the one place that sees every attempt, so stripe-node's network retries (including the
 * closed-connection retry it makes even with `maxNetworkRetries: 0`) each take one, in their
 * caller's turn and without the queue bounds (the call was already admitted). A call's first
 * request uses the token its admission took (see fc-api.ts); a request sent outside any FcApi
 * call waits as system work.
 *
 * Each request is a client span named by its route template (`GET /v1/.../{account}`, as
 * OpenTelemetry names HTTP client spans; a child of its FcApi call's `stripe <route>` span):
 * the route template (ids as placeholders, never the path or its query), the method, the
 * attempt's number in its call, the limiter wait, the answer's status and Stripe's
 * `request-id`. Nothing of the headers or body is recorded. Without a tracer registered no span
 * is made (the work runs as it would inside a span nobody records).
 *
 * The FcApi call a request belongs to is found by the ticket header its request carries (see
 * call-ticket.ts), which is removed before the request is sent.
 */
export function createGatedHttpClient(limiter: FairStripeLimiter): HttpClient {
  const inner = Stripe.createNodeHttpClient();
  return {
    getClientName: () => inner.getClientName(),
    makeRequest: (host, port, path, method, headers, requestData, protocol, timeout) => {
      const ticket = takeTicket(headers as Record<string, unknown>);
      const route = ticket?.route ?? routeTemplateOf(method, path);
      const sent = ticket?.sent;
      if (sent !== undefined) sent.count += 1;
      const attributes = {
        [ATTR.stripeRoute]: route,
        [ATTR.httpMethod]: method,
        [ATTR.stripeAttempt]: sent?.count ?? 1,
      };
      const send = async (span: Span) => {
        try {
          let waitedMs = 0;
          if (ticket?.prepaid === true) {
            ticket.prepaid = false;
            waitedMs = ticket.admissionWaitMs ?? 0;
          } else {
            const waitStarted = performance.now();
            await limiter.acquire(ticket?.caller ?? SYSTEM_CALLER, false);
            waitedMs = performance.now() - waitStarted;
            if (sent !== undefined) sent.retryWaitMs += waitedMs;
          }
          span.setAttribute(ATTR.stripeLimiterWaitMs, Math.round(waitedMs));
          const response = await inner.makeRequest(
            host,
            port,
            path,
            method,
            headers,
            requestData,
            protocol,
            timeout,
          );
          const status = response.getStatusCode();
          const requestId = headerText(response.getHeaders()["request-id"]);
          if (sent !== undefined) {
            sent.lastStatus = status;
            sent.lastRequestId = requestId;
          }
          span.setAttribute(ATTR.httpStatus, status);
          if (requestId !== undefined) span.setAttribute(ATTR.stripeRequestId, requestId);
          if (status >= 400) span.setStatus({ code: SpanStatusCode.ERROR });
          return response;
        } catch (error) {
          if (sent !== undefined) sent.lastStatus = "network";
          span.setAttribute(ATTR.errorType, error instanceof Error ? error.name : "network");
          span.setStatus({ code: SpanStatusCode.ERROR });
          throw error;
        } finally {
          span.end();
        }
      };
      if (!tracingRegistered()) return send(UNTRACED_SPAN);
      return gatewayTracer().startActiveSpan(route, { kind: SpanKind.CLIENT, attributes }, send);
    },
  };
}
