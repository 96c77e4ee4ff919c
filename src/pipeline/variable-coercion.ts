import {
  type DocumentNode,
  type GraphQLError,
  type GraphQLSchema,
  getOperationAST,
  getVariableValues,
} from "graphql";
import { codedError } from "../errors/coded-error.js";
import { messageWithoutSuggestions } from "../errors/suggestions.js";

/** graphql-js's own cap on coercion errors per operation (what `execute` passes). */
const MAX_COERCION_ERRORS = 50;

/**
 * Coerces an operation's variables the way execution would, before anything runs or is priced,
 * and returns what is wrong with them as graphql-js (and so Apollo) words it: one error per
 * problem, code BAD_USER_INPUT, without the "Did you mean" suggestion when `hideSuggestions`.
 * Empty when the variables coerce, or when no single operation can be picked (admission refuses
 * that first).
 */
export function variableCoercionErrors(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown> | null | undefined,
  hideSuggestions: boolean,
): GraphQLError[] {
  const operation = getOperationAST(document, operationName ?? undefined);
  if (!operation) return [];
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables ?? {}, {
    maxErrors: MAX_COERCION_ERRORS,
  });
  return (coerced.errors ?? []).map((error) =>
    codedError(
      "BAD_USER_INPUT",
      hideSuggestions ? messageWithoutSuggestions(error.message) : error.message,
      { nodes: error.nodes },
    ),
  );
}
