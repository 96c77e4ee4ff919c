import { GraphQLError } from "graphql";
import {
  CostBudgetExhaustedError,
  DataError,
  IdempotencyConflictError,
  NotFoundError,
  UnauthenticatedError,
  UpstreamRateLimitedError,
  UpstreamRejectedError,
  UpstreamUnavailableError,
} from "../data/errors.js";

/**
 * Every `extensions.code` a client of this gateway can receive, with what it means: the one list.
 * The masking allowlist is built from it, the README's "GraphQL errors" section and the schema's
 * description list it (a test keeps them equal), and clients may switch on it.
 */
export const ERROR_CODES = {
  NOT_FOUND: "The object does not exist, or is not the viewer's (the two are indistinguishable).",
  BAD_USER_INPUT: "An argument is invalid (a cursor, a scalar, too many ids).",
  UNAUTHENTICATED: "No valid bearer token.",
  FORBIDDEN: "The token may not act for the customer it names.",
  RATE_LIMITED:
    "Over the customer's cost budget, over its share of the Stripe budget (queue full or waited too long; with `Retry-After`), over its miss budget of unknown ids or its refresh budget (with `retryAfter`, no Stripe call), too many of its operations waiting at the fair gate (with `Retry-After` and `retryAfter`, nothing parsed), or Stripe kept answering 429 after bounded retries.",
  UPSTREAM_UNAVAILABLE: "Stripe answered 5xx or could not be reached: retry later.",
  UPSTREAM_ERROR: "Stripe refused the gateway's request (operators see why in the logs).",
  SUBSCRIPTION_LIMIT:
    "Too many operations on one WebSocket, or too many WebSockets and subscription streams for the customer.",
  SLOW_CONSUMER:
    "A subscription's reader did not keep up (STREAM_MAX_PENDING_EVENTS events waiting): its last message, then the stream or socket is closed.",
  CURSOR_EXPIRED:
    "A subscription's `after` cursor (or SSE `Last-Event-ID`) cannot be resumed: older than the events kept, unknown, malformed or another customer's; reload the data, then subscribe without it.",
  GRAPHQL_PARSE_FAILED: "The document is not valid GraphQL, or is over the token limit.",
  GRAPHQL_VALIDATION_FAILED: "The document does not fit the schema, or is over a query limit.",
  DOCUMENT_TOO_COMPLEX:
    "Validating the document would take more work than GRAPHQL_MAX_VALIDATION_WORK (many same-named fields at one level, or overlapping fragments): refused before validation.",
  BAD_REQUEST:
    "The HTTP request is malformed (body, content type, batching, method), or is a subscription sent as a plain HTTP request (served over WebSocket, SSE and multipart).",
  OPERATION_RESOLUTION_FAILURE: "The operation named by `operationName` is not in the document.",
  PERSISTED_QUERY_NOT_FOUND:
    "A document id (`documentId`, `extensions.persistedQuery`) no trusted document has; without TRUSTED_DOCUMENTS, persisted queries are off.",
  TRUSTED_DOCUMENT_REQUIRED:
    "Only trusted documents run (TRUSTED_DOCUMENTS): a document sent as text, or no document id, is refused before parsing.",
  PERSISTED_QUERY_NOT_SUPPORTED: "Persisted queries are not supported.",
  INTERNAL_SERVER_ERROR:
    "Anything unexpected; logged with its stack, masked as 'Unexpected error.'.",
} as const satisfies Record<string, string>;

/** One of the `extensions.code` values this gateway answers with. */
export type ErrorCode = keyof typeof ERROR_CODES;

/** The codes of ERROR_CODES, in its order. */
export const ERROR_CODE_LIST = Object.keys(ERROR_CODES) as ErrorCode[];

/** True when `code` is one of ERROR_CODES. */
export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === "string" && Object.hasOwn(ERROR_CODES, code);
}

/** A deliberate, client-safe GraphQL error with a code (for the GraphQL layer's own checks). */
export function codedError(code: ErrorCode, message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code } });
}

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
