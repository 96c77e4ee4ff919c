import {
  GraphQLError,
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

/** The GraphQL parameters of an HTTP request as sent: the JSON body, or the query string of a GET. */
export interface RequestedOperation {
  query?: unknown;
  operationName?: unknown;
}

/**
 * Whether a request without a token may run: only pure introspection, and only when
 * `allowIntrospection` (development: playgrounds load the schema before a token is pasted).
 * The one piece of work it does is parsing, under the token limit of `parseOptions`: no
 * validation, no pricing, so an anonymous request costs no more than its parse.
 */
export function anonymousOperationAllowed(
  requested: RequestedOperation | undefined,
  options: { allowIntrospection: boolean; parseOptions: ParseOptions },
): boolean {
  if (!options.allowIntrospection || typeof requested?.query !== "string") return false;
  const operationName =
    typeof requested.operationName === "string" ? requested.operationName : undefined;
  try {
    const operation = getOperationAST(parse(requested.query, options.parseOptions), operationName);
    return operation ? isIntrospectionOnly(operation) : false;
  } catch {
    return false; // a syntax error or too many tokens: nothing an anonymous caller may run
  }
}

/** The refusal of a request without a token: HTTP 401, code UNAUTHENTICATED. */
export function authenticationRequired(): GraphQLError {
  return new GraphQLError("Authentication required: send `Authorization: Bearer <token>`.", {
    extensions: { code: "UNAUTHENTICATED", http: { status: 401 } },
  });
}
