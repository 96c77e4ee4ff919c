import type { IncomingMessage, ServerResponse } from "node:http";
import type { SandboxContext } from "../context.js";
import { invalidParam, StripeError } from "../http/errors.js";
import { sendJson, toStripeError } from "../http/io.js";
import { specOperations } from "../spec/openapi.js";
import type { JsonObject } from "../state/json.js";
import { deactivate, disconnect, reactivate, upcomingDeactivation } from "./accounts.js";
import { customerOverview } from "./customer-overview.js";
import { createControlCustomer, listCustomers } from "./customers.js";
import {
  addFault,
  clearFaults,
  listEvents,
  listFaults,
  requestCounts,
  resetRequestCounts,
} from "./observe.js";
import { completeControlSession } from "./sessions.js";
import { setWebhookMode, webhookSettings } from "./webhooks.js";

interface ControlCall {
  context: SandboxContext;
  /** Captured path segments (ids). */
  ids: string[];
  body: unknown;
  query: URLSearchParams;
}

interface ControlRoute {
  method: "GET" | "POST" | "DELETE";
  pattern: RegExp;
  run: (call: ControlCall) => JsonObject;
}

const knownRoutes = new Set(specOperations().map((operation) => operation.key));
const ID = "([A-Za-z0-9_-]+)";

const ROUTES: ControlRoute[] = [
  {
    method: "GET",
    pattern: /^\/_sandbox\/customers$/,
    run: ({ context }) => listCustomers(context),
  },
  {
    method: "POST",
    pattern: /^\/_sandbox\/customers$/,
    run: ({ context, body }) => createControlCustomer(context, body),
  },
  {
    method: "GET",
    pattern: new RegExp(`^/_sandbox/customers/${ID}/overview$`),
    run: ({ context, ids }) => customerOverview(context, ids[0] ?? ""),
  },
  ...(
    [
      ["deactivate", deactivate],
      ["reactivate", reactivate],
      ["disconnect", disconnect],
      ["upcoming_deactivation", upcomingDeactivation],
    ] as const
  ).map(
    ([action, control]): ControlRoute => ({
      method: "POST",
      pattern: new RegExp(`^/_sandbox/accounts/${ID}/${action}$`),
      run: ({ context, ids, body }) => control(context, ids[0] ?? "", body),
    }),
  ),
  {
    method: "POST",
    pattern: new RegExp(`^/_sandbox/sessions/${ID}/complete$`),
    run: ({ context, ids, body }) => completeControlSession(context, ids[0] ?? "", body),
  },
  {
    method: "GET",
    pattern: /^\/_sandbox\/requests$/,
    run: ({ context }) => requestCounts(context),
  },
  {
    method: "DELETE",
    pattern: /^\/_sandbox\/requests$/,
    run: ({ context }) => resetRequestCounts(context),
  },
  { method: "GET", pattern: /^\/_sandbox\/faults$/, run: ({ context }) => listFaults(context) },
  {
    method: "POST",
    pattern: /^\/_sandbox\/faults$/,
    run: ({ context, body }) => addFault(context, body, knownRoutes),
  },
  { method: "DELETE", pattern: /^\/_sandbox\/faults$/, run: ({ context }) => clearFaults(context) },
  {
    method: "GET",
    pattern: /^\/_sandbox\/events$/,
    run: ({ context, query }) => listEvents(context, query),
  },
  {
    method: "GET",
    pattern: /^\/_sandbox\/webhooks$/,
    run: ({ context }) => webhookSettings(context),
  },
  {
    method: "POST",
    pattern: /^\/_sandbox\/webhooks$/,
    run: ({ context, body }) => setWebhookMode(context, body),
  },
];

/**
 * Serves the control API (`/_sandbox/...`, JSON in and out, no API key: it is a local dev tool).
 * Errors use Stripe's error shape: 404 for unknown ids or paths, 400 for bad input (with nothing
 * changed).
 */
export function serveControl(
  context: SandboxContext,
  request: IncomingMessage,
  response: ServerResponse,
  url: URL,
  rawBody: string,
): void {
  const method = request.method ?? "GET";
  try {
    if (method === "GET" && url.pathname.startsWith("/_sandbox/hosted/")) {
      serveHostedPage(response, url.pathname.slice("/_sandbox/hosted/".length));
      return;
    }
    for (const route of ROUTES) {
      if (route.method !== method) continue;
      const match = route.pattern.exec(url.pathname);
      if (!match) continue;
      const body = parseJson(rawBody);
      sendJson(
        response,
        200,
        route.run({ context, ids: match.slice(1), body, query: url.searchParams }),
      );
      return;
    }
    throw new StripeError(
      404,
      "invalid_request_error",
      `Unrecognized sandbox control URL (${method}: ${url.pathname}).`,
    );
  } catch (error) {
    const stripeError = toStripeError(error);
    sendJson(response, stripeError.status, stripeError.toBody());
  }
}

function parseJson(text: string): unknown {
  if (!text.trim()) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw invalidParam("body", "The request body is not valid JSON.");
  }
}

/** The page a hosted session URL opens: explains how to finish it, since there is no bank here. */
function serveHostedPage(response: ServerResponse, sessionId: string): void {
  const safeId = sessionId.replace(/[^A-Za-z0-9_]/g, "");
  const html = `<!doctype html><meta charset="utf-8"><title>Sandbox session ${safeId}</title><p>This is the Stripe FC sandbox. Finish session <code>${safeId}</code> with <code>POST /_sandbox/sessions/${safeId}/complete {"outcome":"relinked"}</code>.</p>`;
  response.writeHead(200, {
    "Content-Type": "text/html; charset=utf-8",
    "Content-Length": Buffer.byteLength(html),
  });
  response.end(html);
}
