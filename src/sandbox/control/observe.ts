import type { SandboxContext } from "../context.js";
import { invalidParam } from "../http/errors.js";
import type { JsonObject } from "../state/json.js";
import { asObject, onlyFields, optionalBoolean, optionalInteger, optionalString } from "./input.js";

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

/**
 * POST /_sandbox/faults `{count, status?, delay_ms?, route?, drop?}`: the next `count` `/v1`
 * requests matching `route` (a counter key such as "GET /v1/financial_connections/accounts/{account}",
 * any when omitted) are delayed, answered with Stripe's error for `status`, or dropped.
 * 400 when nothing would happen, for a status outside 400..599, or an unknown route.
 */
export function addFault(
  context: SandboxContext,
  rawBody: unknown,
  knownRoutes: ReadonlySet<string>,
): JsonObject {
  const body = asObject(rawBody);
  onlyFields(body, ["count", "status", "delay_ms", "route", "drop"]);
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
  const fault = context.faults.add({ remaining: count, status, delayMs, route, drop });
  return {
    fault: { id: fault.id, remaining: count, status, delay_ms: delayMs, route, drop },
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
