import {
  getOperationAST,
  Kind,
  type OperationDefinitionNode,
  type ParseOptions,
  parse,
} from "graphql";

/** True when every top-level field of the operation is introspection (`__schema`, `__type`, `__typename`). */
export function isIntrospectionOnly(operation: OperationDefinitionNode): boolean {
  return operation.selectionSet.selections.every(
    (selection) => selection.kind === Kind.FIELD && selection.name.value.startsWith("__"),
  );
}

/** The GraphQL parameters of a request as sent (an HTTP body or query string), unchecked. */
export interface RequestedOperation {
  query?: unknown;
  operationName?: unknown;
}

/**
 * The operation a request without a token names, found by parsing it under the token limit of
 * `parseOptions` and nothing more: no validation, no pricing, so such a request costs no more
 * than its parse. Undefined when there is no query, it does not parse, or names no operation.
 */
export function anonymousOperation(
  requested: RequestedOperation | undefined,
  parseOptions: ParseOptions,
): OperationDefinitionNode | undefined {
  if (typeof requested?.query !== "string") return undefined;
  const operationName =
    typeof requested.operationName === "string" ? requested.operationName : undefined;
  try {
    return getOperationAST(parse(requested.query, parseOptions), operationName) ?? undefined;
  } catch {
    return undefined; // a syntax error or too many tokens: nothing an anonymous caller may run
  }
}

/**
 * Whether a request without a token may run: only pure introspection, and only when
 * `allowIntrospection` (development: playgrounds load the schema before a token is pasted).
 */
export function anonymousOperationAllowed(
  operation: OperationDefinitionNode | undefined,
  allowIntrospection: boolean,
): boolean {
  return allowIntrospection && operation !== undefined && isIntrospectionOnly(operation);
}

/** The refusal of a request without a token (HTTP answers it with 401): code UNAUTHENTICATED. */
export function authenticationRequired(): { code: "UNAUTHENTICATED"; message: string } {
  return {
    code: "UNAUTHENTICATED",
    message: "Authentication required: send `Authorization: Bearer <token>`.",
  };
}
