import type { IncomingMessage, ServerResponse } from "node:http";
import type { SandboxContext } from "../context.js";
import { ROUTE_HANDLERS } from "../routes/index.js";
import { matchOperation } from "../spec/openapi.js";
import { validateParams } from "../spec/validate-params.js";
import { authenticate } from "./auth.js";
import { faultError, unrecognizedUrl } from "./errors.js";
import { pause, sendJson, stripeVersionOf, toStripeError } from "./io.js";
import { fingerprint, requestParams } from "./params.js";

/**
 * Serves one `/v1` request the way Stripe does, in this order: count it, apply an injected
 * fault (delay, error or dropped socket), authenticate, route by the OpenAPI paths, replay an
 * idempotent POST, validate parameters against the operation's schema, run the handler.
 * Always answers (or deliberately drops); errors are sent in Stripe's shape.
 */
export async function serveV1(
  context: SandboxContext,
  request: IncomingMessage,
  response: ServerResponse,
  url: URL,
  body: string,
  requestId: string,
  shutdown: AbortSignal,
): Promise<void> {
  const method = request.method ?? "GET";
  const match = matchOperation(method, url.pathname);
  const routeKey = match ? match.operation.key : `${method} (unrecognized)`;
  context.counter.record(routeKey);
  const headers: Record<string, string> = { "Stripe-Version": stripeVersionOf(request) };

  const fault = context.faults.take(routeKey);
  if (fault) {
    await pause(fault.delayMs, shutdown);
    if (fault.drop) {
      request.socket.destroy();
      return;
    }
    if (fault.status !== null) {
      const error = faultError(fault.status, fault.error);
      sendJson(response, error.status, error.toBody(), headers);
      return;
    }
  }

  const idempotencyKey = method === "POST" ? headerValue(request, "idempotency-key") : undefined;
  if (idempotencyKey) headers["Idempotency-Key"] = idempotencyKey;
  try {
    const apiKey = authenticate(headerValue(request, "authorization"));
    if (!match) throw unrecognizedUrl(method, url.pathname);
    const raw = requestParams(url.search.slice(1), body, headerValue(request, "content-type"));
    const endpoint = `${method} ${url.pathname}`;
    const rawFingerprint = idempotencyKey ? fingerprint(raw) : "";
    if (idempotencyKey) {
      const replay = context.idempotency.lookup(apiKey, idempotencyKey, endpoint, rawFingerprint);
      if (replay) {
        sendJson(response, replay.status, replay.body, {
          ...headers,
          "Idempotent-Replayed": "true",
          "Original-Request": replay.requestId,
        });
        return;
      }
    }
    const params = validateParams(match.operation.params, raw);
    const handler = ROUTE_HANDLERS[match.operation.operationId];
    if (!handler) throw unrecognizedUrl(method, url.pathname);
    const result = handler({
      context,
      pathParams: match.pathParams,
      params,
      cause: { requestId, idempotencyKey: idempotencyKey ?? null },
    });
    // Compact, unlike Stripe's pretty-printed bodies: same JSON, a third fewer bytes under load.
    const text = JSON.stringify(result);
    if (idempotencyKey) {
      context.idempotency.remember(apiKey, idempotencyKey, endpoint, rawFingerprint, {
        status: 200,
        body: text,
        requestId,
      });
    }
    sendJson(response, 200, text, headers);
  } catch (error) {
    const stripeError = toStripeError(error);
    if (stripeError.status === 401) headers["WWW-Authenticate"] = 'Basic realm="Stripe"';
    sendJson(response, stripeError.status, stripeError.toBody(), headers);
  }
}

function headerValue(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
