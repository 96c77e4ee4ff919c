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
