import { GraphQLError, type GraphQLErrorOptions } from "graphql";
import type { ErrorCode } from "./error-codes.js";

/**
 * The one way the gateway builds a deliberate, client-safe GraphQL error: `message` with
 * `extensions.code` one of ERROR_CODES (a typo does not compile). `options` keeps what graphql-js
 * located (`nodes`, `source`, `positions`, `originalError`) and any further extensions (a
 * transport's `http` status), which `code` overrides.
 */
export function codedError(
  code: ErrorCode,
  message: string,
  options: GraphQLErrorOptions = {},
): GraphQLError {
  return new GraphQLError(message, { ...options, extensions: { ...options.extensions, code } });
}

/** `error` (a graphql-js parse or validation error, or any GraphQLError) recoded as `code`, located as it was. */
export function recoded(error: GraphQLError, code: ErrorCode): GraphQLError {
  return codedError(code, error.message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    originalError: error,
    extensions: error.extensions,
  });
}
