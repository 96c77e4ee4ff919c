import { maxAliasesRule } from "@escape.tech/graphql-armor-max-aliases";
import { maxDepthRule } from "@escape.tech/graphql-armor-max-depth";
import { maxDirectivesRule } from "@escape.tech/graphql-armor-max-directives";
import {
  type ASTVisitor,
  GraphQLError,
  type ParseOptions,
  type ValidationContext,
  type ValidationRule,
} from "graphql";
import type { QueryLimits } from "../config/config.js";

/**
 * GraphQL Armor rules throw out of `validate` by default, which Apollo would answer with a 500
 * and graphql-ws with a closed socket. Reporting through the context makes a rejection an
 * ordinary validation error instead (400 GRAPHQL_VALIDATION_FAILED on HTTP, an `error` message on
 * WebSocket). Armor prefixes its messages with "Syntax Error: ", which they are not.
 */
const reportToContext = {
  propagateOnRejection: false,
  onReject: [
    (context: ValidationContext | null, error: GraphQLError) =>
      context?.reportError(new GraphQLError(error.message.replace(/^Syntax Error: /, ""))),
  ],
};

/** Armor's visitors are typed loosely; each is a graphql-js visitor all the same. */
const asRule =
  (rule: (context: ValidationContext) => object): ValidationRule =>
  (context) =>
    rule(context) as ASTVisitor;

/**
 * The validation rules that enforce depth, aliases and directives (GraphQL Armor), to be run on
 * every operation on HTTP (Apollo `validationRules`) and WebSocket (`extraRules`) alike. Aliases
 * count `__typename` too (Armor exempts it by default, so `a1: __typename … aN: __typename` would
 * slip through); fragments add no depth level, as they add no nesting of resolvers.
 */
export function queryLimitRules(limits: QueryLimits): ValidationRule[] {
  return [
    asRule(maxDepthRule({ n: limits.maxDepth, flattenFragments: true, ...reportToContext })),
    asRule(maxAliasesRule({ n: limits.maxAliases, allowList: [], ...reportToContext })),
    asRule(maxDirectivesRule({ n: limits.maxDirectives, ...reportToContext })),
  ];
}

/**
 * Parser options that cap the document's lexical tokens: graphql-js counts them as it parses and
 * aborts at the first one over the limit, so an oversized document costs no more than the limit
 * to reject. Passed to Apollo's `parseOptions` and to the WebSocket server's `parse`.
 */
export function tokenLimitParseOptions(limits: QueryLimits): ParseOptions {
  return { maxLexicalTokens: limits.maxTokens };
}
