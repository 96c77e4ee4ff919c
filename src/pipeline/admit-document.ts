import {
  type DocumentNode,
  GraphQLError,
  type GraphQLSchema,
  parse,
  specifiedRules,
  validate,
} from "graphql";
import type { DocumentRules } from "./document-rules.js";
import type { OperationTrace } from "./operation-trace.js";

/** A document that parsed and validated, or why it did not. */
export type DocumentAdmission = { document: DocumentNode } | { errors: GraphQLError[] };

/** As Apollo names them: a parse error (or too many tokens), and a validation error. */
const coded = (error: GraphQLError, code: "GRAPHQL_PARSE_FAILED" | "GRAPHQL_VALIDATION_FAILED") =>
  new GraphQLError(error.message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    originalError: error,
    extensions: { ...error.extensions, code },
  });

/**
 * Stage 2a, the document: parsed under the rules' parser options (the token limit), then
 * validated with the spec's rules and the rules' own (query limits, introspection), exactly as
 * Apollo does it on HTTP with the same DocumentRules; errors are GRAPHQL_PARSE_FAILED or
 * GRAPHQL_VALIDATION_FAILED with graphql-js's (or GraphQL Armor's) messages, and are written
 * into `trace`. A transport whose server parses and validates itself (Apollo) skips this stage.
 * A function of `query` alone, so a per-document cache can sit in front of it.
 */
export function admitDocument(
  trace: OperationTrace,
  schema: GraphQLSchema,
  rules: DocumentRules,
  query: unknown,
): DocumentAdmission {
  const refuse = (errors: GraphQLError[]) => {
    trace.errors.push(...errors);
    return { errors };
  };
  if (typeof query !== "string") {
    return refuse([
      new GraphQLError("The operation has no query.", { extensions: { code: "BAD_REQUEST" } }),
    ]);
  }
  let document: DocumentNode;
  try {
    document = parse(query, rules.parseOptions);
  } catch (error) {
    const syntax = error instanceof GraphQLError ? error : new GraphQLError("Syntax error.");
    return refuse([coded(syntax, "GRAPHQL_PARSE_FAILED")]);
  }
  const invalid = validate(schema, document, [...specifiedRules, ...rules.validationRules]);
  if (invalid.length > 0) {
    return refuse(invalid.map((error) => coded(error, "GRAPHQL_VALIDATION_FAILED")));
  }
  return { document };
}
