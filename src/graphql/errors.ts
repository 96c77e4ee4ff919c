import { GraphQLError } from "graphql";
import { isRateLimited } from "../stripe/rate-limit-retry.js";

/** The `extensions.code` values this gateway answers with. Clients may switch on them. */
export type ErrorCode =
  | "NOT_FOUND"
  | "RATE_LIMITED"
  | "UPSTREAM_UNAVAILABLE"
  | "UPSTREAM_ERROR"
  | "BAD_USER_INPUT"
  | "UNAUTHENTICATED"
  | "INTERNAL_SERVER_ERROR";

/** A deliberate, client-safe GraphQL error with a code. */
export function codedError(code: ErrorCode, message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code } });
}

const KIND_NAMES: Record<string, string> = {
  account: "Account",
  authorization: "Authorization",
  session: "RelinkSession",
};

/**
 * The one NOT_FOUND error: the same message whether the object does not exist or belongs to
 * another customer, so a caller cannot tell the two apart.
 */
export function notFound(kind: keyof typeof KIND_NAMES | string, id: string): GraphQLError {
  return codedError("NOT_FOUND", `${KIND_NAMES[kind] ?? "Object"} not found: ${id}`);
}

interface StripeErrorShape {
  type?: unknown;
  statusCode?: unknown;
  code?: unknown;
}

/**
 * Maps anything a Stripe call rejected with to a coded GraphQLError, without Stripe's message
 * (it may name internals) and without a stack. `kind` and `id` name the object for NOT_FOUND.
 */
export function fromStripeError(error: unknown, kind: string, id: string): GraphQLError {
  if (error instanceof GraphQLError) return error;
  const shape = (typeof error === "object" && error !== null ? error : {}) as StripeErrorShape;
  if (isRateLimited(error)) {
    return codedError("RATE_LIMITED", "Stripe is rate limiting this gateway; retry shortly.");
  }
  if (shape.statusCode === 404 || shape.code === "resource_missing") return notFound(kind, id);
  if (shape.type === "StripeIdempotencyError") {
    return codedError(
      "BAD_USER_INPUT",
      "The idempotency key was already used with different input.",
    );
  }
  if (
    shape.type === "StripeConnectionError" ||
    (typeof shape.statusCode === "number" && shape.statusCode >= 500) ||
    shape.type === "StripeAPIError"
  ) {
    return codedError("UPSTREAM_UNAVAILABLE", "Stripe is unavailable right now; retry shortly.");
  }
  return codedError("UPSTREAM_ERROR", "Stripe rejected the gateway's request.");
}
