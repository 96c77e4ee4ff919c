import type { GraphQLFormattedError } from "graphql";
import { messageWithoutSuggestions } from "./schema-exposure.js";

/** Codes that are safe to show as they are: ours and Apollo's request-level ones. */
const CLIENT_SAFE_CODES = new Set([
  "NOT_FOUND",
  "RATE_LIMITED",
  "UPSTREAM_UNAVAILABLE",
  "UPSTREAM_ERROR",
  "BAD_USER_INPUT",
  "UNAUTHENTICATED",
  "FORBIDDEN",
  "GRAPHQL_PARSE_FAILED",
  "GRAPHQL_VALIDATION_FAILED",
  "BAD_REQUEST",
  "OPERATION_RESOLUTION_FAILURE",
  "PERSISTED_QUERY_NOT_FOUND",
  "PERSISTED_QUERY_NOT_SUPPORTED",
]);

/**
 * Masks every error that was not raised deliberately: its message becomes "Unexpected error."
 * with code INTERNAL_SERVER_ERROR, and no extension other than `code` survives (no stack traces,
 * no upstream details). Deliberate errors keep their message and code.
 */
export function maskError(formatted: GraphQLFormattedError): GraphQLFormattedError {
  const code = formatted.extensions?.code;
  const safe = typeof code === "string" && CLIENT_SAFE_CODES.has(code);
  return {
    message: safe ? formatted.message : "Unexpected error.",
    ...(formatted.locations ? { locations: formatted.locations } : {}),
    ...(formatted.path ? { path: formatted.path } : {}),
    extensions: { code: safe ? code : "INTERNAL_SERVER_ERROR" },
  };
}

/**
 * The gateway's one GraphQL error formatter, for HTTP (Apollo's `formatError`) and WebSocket
 * alike: maskError, and with `hideSuggestions` (introspection off, as in production) no
 * "Did you mean …?" suggestion in any message, whatever raised it (validation, variable
 * coercion, enum values). Apollo strips suggestions from validation errors only.
 */
export function errorFormatter(options: {
  hideSuggestions: boolean;
}): (formatted: GraphQLFormattedError) => GraphQLFormattedError {
  return (formatted) => {
    const masked = maskError(formatted);
    return options.hideSuggestions
      ? { ...masked, message: messageWithoutSuggestions(masked.message) }
      : masked;
  };
}
