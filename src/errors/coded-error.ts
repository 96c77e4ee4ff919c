import { GraphQLError, type GraphQLErrorOptions } from "graphql";
import { withoutStack } from "../data/errors.js";
import type { ErrorCode } from "./error-codes.js";

/**
 * The one way the gateway builds a deliberate, client-safe GraphQL error: `message` with
 * `extensions.code` one of ERROR_CODES (a typo does not compile). `options` keeps what graphql-js
 * located (`nodes`, `source`, `positions`, `originalError`) and any further extensions (a
 * transport's `http` status), which `code` overrides. Built without a stack trace (`withoutStack`):
 * a deliberate refusal is answered, never investigated, and a flood of refused requests would
 * otherwise spend a captured and formatted stack on each (`recoded` keeps its original's stack).
 */
export function codedError(
  code: ErrorCode,
  message: string,
  options: GraphQLErrorOptions = {},
): GraphQLError {
  const extensions = { ...options.extensions, code };
  if (options.originalError !== undefined && options.originalError !== null)
    return new GraphQLError(message, { ...options, extensions });
  return withoutStack(() => new GraphQLError(message, { ...options, extensions }));
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
