import type { GraphQLFormattedError } from "graphql";
import { DataError } from "../data/errors.js";
import { originalErrorOf, toClientError } from "./client-errors.js";
import { retryAfterOf } from "./retry-after.js";
import { messageWithoutSuggestions } from "./suggestions.js";

/** A deliberate refusal's own `extensions.retryAfter` (the fair gate's), when a whole positive number. */
function retryAfterSaid(formatted: GraphQLFormattedError): number | undefined {
  const said = formatted.extensions?.retryAfter;
  return Number.isSafeInteger(said) && (said as number) > 0 ? (said as number) : undefined;
}

/**
 * Masks every error that was not raised deliberately: its message becomes "Unexpected error."
 * with code INTERNAL_SERVER_ERROR, and no extension other than `code` survives (no stack traces,
 * no upstream details), but `retryAfter` (whole seconds) on a RATE_LIMITED error that says when
 * to retry. Deliberate errors keep their message and code. `error` is the error as
 * raised (Apollo's `formatError` passes it): the data layer's errors are translated by class,
 * anything else by `formatted`'s code; both by `toClientError`, whose ERROR_CODES are the allowlist.
 */
export function maskError(
  formatted: GraphQLFormattedError,
  error?: unknown,
): GraphQLFormattedError {
  // The data layer's errors are known by class; any other error by the code it was formatted with.
  const thrown = originalErrorOf(error);
  const { code, message } = toClientError(thrown instanceof DataError ? thrown : formatted);
  const retryAfter =
    code === "RATE_LIMITED" ? (retryAfterOf(thrown) ?? retryAfterSaid(formatted)) : undefined;
  return {
    message,
    ...(formatted.locations ? { locations: formatted.locations } : {}),
    ...(formatted.path ? { path: formatted.path } : {}),
    extensions: retryAfter === undefined ? { code } : { code, retryAfter },
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
}): (formatted: GraphQLFormattedError, error?: unknown) => GraphQLFormattedError {
  return (formatted, error) => {
    const masked = maskError(formatted, error);
    return options.hideSuggestions
      ? { ...masked, message: messageWithoutSuggestions(masked.message) }
      : masked;
  };
}
