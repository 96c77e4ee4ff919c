import type { SandboxContext } from "../context.js";
import type { EventCause } from "../events/build.js";
import type { Params } from "../spec/validate-params.js";
import type { JsonObject } from "../state/json.js";

/** What a `/v1` route handler receives: validated params and the request's identity. */
export interface RouteRequest {
  context: SandboxContext;
  pathParams: Record<string, string>;
  params: Params;
  /** The request, as events it causes record it. */
  cause: EventCause;
}

/**
 * A `/v1` handler: returns the response body (status 200) or throws a StripeError /
 * TransitionError, which the dispatcher answers in Stripe's error shape.
 */
export type RouteHandler = (request: RouteRequest) => JsonObject;

/** The `expand[]` paths of a request (empty when none). */
export function expandPaths(params: Params): string[] {
  const expand = params.expand;
  return Array.isArray(expand)
    ? expand.filter((path): path is string => typeof path === "string")
    : [];
}

/** A string parameter, or undefined when absent. */
export function stringParam(params: Params, name: string): string | undefined {
  const value = params[name];
  return typeof value === "string" ? value : undefined;
}

/** A nested string parameter such as `account_holder[customer]`, or undefined. */
export function nestedString(params: Params, parent: string, name: string): string | undefined {
  const container = params[parent];
  if (typeof container !== "object" || container === null) return undefined;
  const value = (container as Record<string, unknown>)[name];
  return typeof value === "string" ? value : undefined;
}

/** A list of strings parameter (`features[]`), or an empty list. */
export function stringList(params: Params, name: string): string[] {
  const value = params[name];
  return Array.isArray(value)
    ? value.filter((item): item is string => typeof item === "string")
    : [];
}
