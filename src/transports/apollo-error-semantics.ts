/*
 * Apollo Server 5's error handling on its HTTP path (errorNormalize.js, internalErrorClasses.js,
 * requestPipeline.js), for the answers `direct-http.ts` gives without Apollo: the same codes, the
 * same formatting, the same statuses, so a client cannot tell which of the two answered.
 */
import { GraphQLError, type GraphQLFormattedError, Kind } from "graphql";

/** Apollo's `formatError` shape: the formatted error and the error as raised. */
export type ApolloFormatError = (
  formatted: GraphQLFormattedError,
  error?: unknown,
) => GraphQLFormattedError;

/** What errors say of the answer's HTTP head (`extensions.http`): a status, headers. */
export interface HeadFromErrors {
  status: number | undefined;
  headers: [string, string][];
}

/** Apollo's `ensureGraphQLError`: an Error as a GraphQLError (`prefix` + its message), else itself. */
export function ensureGraphQLError(error: unknown, prefix = ""): GraphQLError {
  if (error instanceof GraphQLError) return error;
  const thrown = error instanceof Error ? error : new Error(`Unexpected error value: ${error}`);
  return new GraphQLError(prefix + thrown.message, { originalError: thrown });
}

/** `extensions.http` as Apollo reads it (`isPartialHTTPGraphQLHead`). */
function headOf(value: unknown): { status?: number; headers?: Map<string, string> } | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const { status, headers } = value as { status?: unknown; headers?: unknown };
  if ("status" in value && typeof status !== "number") return undefined;
  if ("headers" in value && !(headers instanceof Map)) return undefined;
  return value as { status?: number; headers?: Map<string, string> };
}

/**
 * Apollo's `normalizeAndFormatErrors`: each error with its code (INTERNAL_SERVER_ERROR when it has
 * none) and without `extensions.http`, through `formatError` (a formatter that throws gives
 * Apollo's "Internal server error"); the status and headers the errors' `extensions.http` ask for.
 */
export function formatErrorsAsApollo(
  errors: readonly GraphQLError[],
  formatError: ApolloFormatError,
): { formatted: GraphQLFormattedError[]; head: HeadFromErrors } {
  const head: HeadFromErrors = { status: undefined, headers: [] };
  const formatted = errors.map((error) => {
    try {
      const { http, ...extensions } = error.extensions as Record<string, unknown>;
      const asked = headOf(http);
      if (asked !== undefined) {
        if (asked.status) head.status = asked.status;
        if (asked.headers) for (const entry of asked.headers) head.headers.push(entry);
      } else if (http !== undefined) {
        extensions.http = http;
      }
      if (extensions.code === undefined) extensions.code = "INTERNAL_SERVER_ERROR";
      return formatError({ ...error.toJSON(), extensions }, error);
    } catch {
      return { message: "Internal server error", extensions: { code: "INTERNAL_SERVER_ERROR" } };
    }
  });
  return { formatted, head };
}

/** Apollo's `SyntaxError`: a parse failure, GRAPHQL_PARSE_FAILED, 400. */
export function syntaxErrorAsApollo(error: GraphQLError): GraphQLError {
  return new GraphQLError(error.message, {
    source: error.source,
    positions: error.positions,
    extensions: { http: { status: 400 }, ...error.extensions, code: "GRAPHQL_PARSE_FAILED" },
    originalError: error,
  });
}

/** The suggestion Apollo's DisableSuggestions plugin strips from validation errors. */
const SUGGESTION = / ?Did you mean(.+?)\?$/;

/**
 * Apollo's `ValidationError`: a validation failure, GRAPHQL_VALIDATION_FAILED, 400; without its
 * "Did you mean …?" when suggestions are hidden (Apollo's DisableSuggestions plugin).
 */
export function validationErrorAsApollo(
  error: GraphQLError,
  hideSuggestions: boolean,
): GraphQLError {
  const message = hideSuggestions ? error.message.replace(SUGGESTION, "") : error.message;
  return new GraphQLError(message, {
    nodes: error.nodes,
    extensions: { http: { status: 400 }, ...error.extensions, code: "GRAPHQL_VALIDATION_FAILED" },
    originalError: error.originalError ?? error,
  });
}

/** The messages graphql-js gives a variable's bad value (Apollo's `isBadUserInputGraphQLError`). */
function isBadUserInput(error: GraphQLError): boolean {
  const node = error.nodes?.length === 1 ? error.nodes[0] : undefined;
  if (node?.kind !== Kind.VARIABLE_DEFINITION) return false;
  const name = `Variable "$${node.variable.name.value}"`;
  return (
    error.message.startsWith(`${name} has invalid value`) ||
    error.message.startsWith(`${name} got invalid value `) ||
    error.message.startsWith(`${name} of required type `) ||
    error.message.startsWith(`${name} of non-null type `)
  );
}

/** An execution's errors as Apollo reports them: a variable's bad value without a code is BAD_USER_INPUT. */
export function executionErrorsAsApollo(errors: readonly GraphQLError[]): GraphQLError[] {
  return errors.map((error) =>
    isBadUserInput(error) && error.extensions?.code == null
      ? new GraphQLError(error.message, {
          nodes: error.nodes,
          originalError: error.originalError ?? error,
          extensions: { ...error.extensions, code: "BAD_USER_INPUT" },
        })
      : error,
  );
}
