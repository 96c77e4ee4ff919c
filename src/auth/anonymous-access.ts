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

/** What a request without a token asks for, as far as parsing alone can tell. */
export interface AnonymousRequest {
  /** True when it may run: pure introspection, and only where introspection is allowed. */
  allowed: boolean;
  /** The operation's name from the document (or the body's `operationName`), for the log line. */
  operationName: string | null;
}

/**
 * Inspects a request without a token: it may run only when it is pure introspection and
 * `allowIntrospection` (development: playgrounds load the schema before a token is pasted).
 * The one piece of work it does is parsing, under the token limit of `parseOptions`: no
 * validation, no pricing, so an anonymous request costs no more than its parse.
 */
export function inspectAnonymousRequest(
  requested: RequestedOperation | undefined,
  options: { allowIntrospection: boolean; parseOptions: ParseOptions },
): AnonymousRequest {
  const named = typeof requested?.operationName === "string" ? requested.operationName : undefined;
  if (typeof requested?.query !== "string") return { allowed: false, operationName: named ?? null };
  try {
    const operation = getOperationAST(parse(requested.query, options.parseOptions), named);
    return {
      allowed: options.allowIntrospection && operation != null && isIntrospectionOnly(operation),
      operationName: operation?.name?.value ?? named ?? null,
    };
  } catch {
    // A syntax error or too many tokens: nothing an anonymous caller may run.
    return { allowed: false, operationName: named ?? null };
  }
}

/** The refusal of a request without a token: HTTP 401, code UNAUTHENTICATED. */
export function authenticationRequired(): GraphQLError {
  return new GraphQLError("Authentication required: send `Authorization: Bearer <token>`.", {
    extensions: { code: "UNAUTHENTICATED", http: { status: 401 } },
  });
}
