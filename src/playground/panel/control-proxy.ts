import express, { type Router } from "express";
import type { Logger } from "../../observability/logger.js";
import { sendError } from "../../transports/error-answers.js";
import type { SandboxPanelTarget } from "./availability.js";
import { sameOriginJsonOnly } from "./same-origin.js";

/** Where the panel reaches the sandbox's control API through the gateway. */
export const PANEL_SANDBOX_PREFIX = "/graphiql/panel/sandbox";

const ID = "[A-Za-z0-9_-]{1,100}";

/**
 * The only control calls the panel may make (paths after `/_sandbox`): list and create customers,
 * one customer's overview, the account lifecycle, completing a relink session, the event log and
 * the webhook mode. Faults, request counters and anything else of the control API stay out.
 */
const ALLOWED: ReadonlyArray<{ method: "GET" | "POST"; path: RegExp }> = [
  { method: "GET", path: /^\/customers$/ },
  { method: "POST", path: /^\/customers$/ },
  { method: "GET", path: new RegExp(`^/customers/${ID}/overview$`) },
  {
    method: "POST",
    path: new RegExp(
      `^/accounts/${ID}/(?:deactivate|reactivate|disconnect|upcoming_deactivation)$`,
    ),
  },
  { method: "POST", path: new RegExp(`^/sessions/${ID}/complete$`) },
  { method: "GET", path: /^\/events$/ },
  { method: "GET", path: /^\/webhooks$/ },
  { method: "POST", path: /^\/webhooks$/ },
];

/** Longest the gateway waits for the sandbox (it is local: anything longer is a fault). */
const SANDBOX_TIMEOUT_MS = 10_000;

/** The event log's `limit`, when given: an integer 1..200 (else the call is refused). */
function eventLimit(raw: unknown): string | undefined | null {
  if (raw === undefined) return undefined;
  return typeof raw === "string" && /^\d{1,3}$/.test(raw) && Number(raw) >= 1 && Number(raw) <= 200
    ? raw
    : null;
}

/**
 * `GET|POST /graphiql/panel/sandbox/<path>`: forwards the allow-listed control calls (ALLOWED)
 * to the embedded sandbox's `/_sandbox/<path>` and answers what it answered (status and JSON),
 * so the browser only ever talks to the gateway's own origin: no CORS on the sandbox, no widening
 * of the page's `connect-src`. Anything else under the prefix: 404 `NOT_FOUND`; POSTs are
 * same-origin JSON only (sameOriginJsonOnly); the sandbox unreachable: 502
 * `SANDBOX_UNREACHABLE`. Mounted only where sandboxPanelTarget allows.
 */
export function sandboxControlProxy(target: SandboxPanelTarget, logger: Logger): Router {
  const router = express.Router();
  router.use(PANEL_SANDBOX_PREFIX, async (request, response, next) => {
    const allowed = ALLOWED.some(
      (route) => route.method === request.method && route.path.test(request.path),
    );
    if (!allowed) {
      sendError(response, 404, "NOT_FOUND", "No such sandbox panel call.");
      return;
    }
    if (request.method === "POST") {
      sameOriginJsonOnly()(request, response, () => {
        express.json({ limit: 4 * 1024 })(request, response, (error?: unknown) => {
          if (error) next(error);
          else void forward(request.body ?? {});
        });
      });
      return;
    }
    const limit = eventLimit(request.query.limit);
    if (limit === null) {
      sendError(response, 400, "BAD_USER_INPUT", "limit must be an integer from 1 to 200.");
      return;
    }
    await forward(undefined, limit);

    async function forward(body: unknown, limit?: string): Promise<void> {
      const url = new URL(`${target.sandboxUrl}/_sandbox${request.path}`);
      if (limit !== undefined) url.searchParams.set("limit", limit);
      try {
        const answer = await fetch(url, {
          method: request.method,
          headers: body === undefined ? {} : { "content-type": "application/json" },
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.timeout(SANDBOX_TIMEOUT_MS),
        });
        const json: unknown = await answer.json();
        response.status(answer.status).set("cache-control", "no-store").json(json);
      } catch (error) {
        logger.warn(
          { err: error, path: request.path },
          "sandbox panel: the sandbox did not answer",
        );
        sendError(response, 502, "SANDBOX_UNREACHABLE", "The embedded sandbox did not answer.");
      }
    }
  });
  return router;
}
