import { GraphQLError } from "graphql";
import {
  BadUserInputError,
  CostBudgetExhaustedError,
  DataError,
  IdempotencyConflictError,
  NotFoundError,
  UnauthenticatedError,
  UpstreamRateLimitedError,
  UpstreamRejectedError,
  UpstreamUnavailableError,
} from "../data/errors.js";
import { type ErrorCode, isErrorCode } from "./error-codes.js";

/** What a client is told of an error: a code from ERROR_CODES and a message safe to show. */
export interface ClientError {
  code: ErrorCode;
  message: string;
}

/** The message of every error that was not raised on purpose. */
export const UNEXPECTED_MESSAGE = "Unexpected error.";

/** The data layer's errors by class: the code, and the text shown (null: the error's own). */
const DATA_ERRORS: [abstract new (...args: never[]) => DataError, ErrorCode, string | null][] = [
  [NotFoundError, "NOT_FOUND", null],
  [BadUserInputError, "BAD_USER_INPUT", null],
  [UnauthenticatedError, "UNAUTHENTICATED", null],
  [UpstreamRateLimitedError, "RATE_LIMITED", null],
  [CostBudgetExhaustedError, "RATE_LIMITED", null],
  [UpstreamUnavailableError, "UPSTREAM_UNAVAILABLE", null],
  [UpstreamRejectedError, "UPSTREAM_ERROR", null],
  // A conflict that reaches the edge is on a key the gateway made (a caller's own key is a user
  // error of createRelinkSession): Stripe refused the gateway's request, not the caller's.
  [IdempotencyConflictError, "UPSTREAM_ERROR", "Stripe rejected the gateway's request."],
];

/**
 * The error a resolver (or anything below it) threw, under graphql-js's located wrapper: a
 * GraphQLError's `originalError` when it has one, else the error itself.
 */
export function originalErrorOf(error: unknown): unknown {
  return error instanceof GraphQLError && error.originalError !== undefined
    ? error.originalError
    : error;
}

/** The client-safe code and message a (formatted or thrown) GraphQL error carries, if any. */
function deliberate(error: unknown): ClientError | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const { extensions, message } = error as { extensions?: { code?: unknown }; message?: unknown };
  const code = extensions?.code;
  if (!isErrorCode(code) || code === "INTERNAL_SERVER_ERROR") return undefined;
  return { code, message: typeof message === "string" ? message : "" };
}

/**
 * The edge's one translation of any error into what the client sees: the data layer's errors by
 * class, deliberate GraphQL errors (and Apollo's request errors) by their code when it is in
 * ERROR_CODES, and anything else as INTERNAL_SERVER_ERROR with a fixed message. Takes a thrown
 * error, a located GraphQLError or a formatted error alike.
 */
export function toClientError(error: unknown): ClientError {
  const original = originalErrorOf(error);
  if (original instanceof DataError) {
    const known = DATA_ERRORS.find(([type]) => original instanceof type);
    if (known !== undefined) return { code: known[1], message: known[2] ?? original.message };
  }
  return (
    deliberate(error) ??
    deliberate(original) ?? { code: "INTERNAL_SERVER_ERROR", message: UNEXPECTED_MESSAGE }
  );
}
