import type { SandboxContext } from "../context.js";
import { invalidParam, STRIPE_ERROR_TYPES } from "../http/errors.js";
import type { JsonObject } from "../state/json.js";
import {
  asObject,
  onlyFields,
  optionalBoolean,
  optionalEnum,
  optionalInteger,
  optionalString,
} from "./input.js";

/** Stripe's error codes and parameter names: lower-case words joined by `_`, `[` and `]`. */
const ERROR_WORD = /^[a-z0-9_[\]]+$/;

/** GET /_sandbox/requests: `{total, routes: {"GET /v1/...": n}}`. */
export function requestCounts(context: SandboxContext): JsonObject {
  return context.counter.snapshot();
}

/** DELETE /_sandbox/requests: resets the counters and returns the zeroed snapshot. */
export function resetRequestCounts(context: SandboxContext): JsonObject {
  context.counter.reset();
  return context.counter.snapshot();
}

/**
 * GET /_sandbox/events[?type=...&limit=n]: emitted events, newest first, each with `deliveries`
 * (status per webhook URL).
 */
export function listEvents(context: SandboxContext, query: URLSearchParams): JsonObject {
  const limitText = query.get("limit");
  const limit = limitText === null ? undefined : Number(limitText);
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) {
    throw invalidParam("limit", "Invalid limit: must be a positive integer.");
  }
  const type = query.get("type") ?? undefined;
  return { object: "list", data: context.events.list({ type, limit }) };
}

/** An optional `code` or `param` of a fault: a Stripe-style word, or null when absent. */
function errorWord(body: JsonObject, name: string): string | null {
  const value = optionalString(body, name, 100);
  if (value === undefined) return null;
  if (!ERROR_WORD.test(value)) {
    throw invalidParam(name, `Invalid ${name}: use lower-case letters, digits, _ and [].`);
  }
  return value;
}

/**
 * POST /_sandbox/faults `{count, status?, delay_ms?, route?, drop?, type?, code?, param?}`: the
 * next `count` `/v1` requests matching `route` (a counter key such as
 * "GET /v1/financial_connections/accounts/{account}", any when omitted) are delayed, answered
 * with Stripe's error for `status`, or dropped. `type`, `code` and `param` set those fields of the
 * error answered (for example a 404 without `resource_missing`); they need a `status`.
 * 400 when nothing would happen, for a status outside 400..599, or an unknown route.
 */
export function addFault(
  context: SandboxContext,
  rawBody: unknown,
  knownRoutes: ReadonlySet<string>,
): JsonObject {
  const body = asObject(rawBody);
  onlyFields(body, ["count", "status", "delay_ms", "route", "drop", "type", "code", "param"]);
  if (body.count === undefined)
    throw invalidParam("count", "Missing required param: count.", "parameter_missing");
  const count = optionalInteger(body, "count", 1, 1_000_000, 1);
  const status =
    body.status === undefined || body.status === null
      ? null
      : optionalInteger(body, "status", 400, 599, 500);
  const delayMs = optionalInteger(body, "delay_ms", 0, 120_000, 0);
  const drop = optionalBoolean(body, "drop", false);
  const route = optionalString(body, "route", 300) ?? null;
  if (route !== null && !knownRoutes.has(route)) {
    throw invalidParam(
      "route",
      `Unknown route '${route}': use a key of GET /_sandbox/requests, e.g. "GET /v1/financial_connections/accounts".`,
    );
  }
  if (status === null && delayMs === 0 && !drop) {
    throw invalidParam("status", "A fault needs a status, a delay_ms or drop: true.");
  }
  const error = {
    type:
      body.type === undefined || body.type === null
        ? null
        : optionalEnum(body, "type", STRIPE_ERROR_TYPES, "api_error"),
    code: errorWord(body, "code"),
    param: errorWord(body, "param"),
  };
  if (status === null && (error.type ?? error.code ?? error.param) !== null) {
    throw invalidParam("status", "A fault's type, code or param needs a status.");
  }
  const fault = context.faults.add({ remaining: count, status, delayMs, route, drop, error });
  return {
    fault: { id: fault.id, remaining: count, status, delay_ms: delayMs, route, drop, ...error },
    faults: context.faults.describe(),
  };
}

/** DELETE /_sandbox/faults: removes every planned fault. */
export function clearFaults(context: SandboxContext): JsonObject {
  context.faults.clear();
  return { faults: [] };
}

/** GET /_sandbox/faults: the faults still planned. */
export function listFaults(context: SandboxContext): JsonObject {
  return { faults: context.faults.describe() };
}
