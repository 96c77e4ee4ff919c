import { ApolloServer, type ApolloServerPlugin } from "@apollo/server";
import type { GraphQLSchema, ParseOptions, ValidationRule } from "graphql";
import type { GatewayContext } from "../graphql/context.js";
import { errorFormatter } from "./format-error.js";
import { buildGatewaySchema } from "./schema.js";
import { landingPagePlugin } from "./schema-exposure.js";

/** How much of the schema the server shows, and the limits it applies before execution. */
export interface ApolloPosture {
  /** Introspection and "Did you mean" suggestions; default true (development). */
  introspection?: boolean;
  /** The landing page on GET; default false. */
  landingPage?: boolean;
  /** Rules run after the spec's on every operation (the query limits). */
  validationRules?: ValidationRule[];
  /** Parser options (the token limit). */
  parseOptions?: ParseOptions;
}

/**
 * The Apollo server for the gateway's schema: errors formatted by errorFormatter (unexpected ones
 * masked, no stack traces, no "Did you mean" anywhere when introspection is off), batched (array)
 * bodies and automatic persisted queries refused, CSRF prevention on; introspection, suggestions
 * and the landing page as `posture` says. Transport-free, so tests can call
 * `executeOperation` on it; `startGateway` mounts it.
 */
export function createApolloServer(
  plugins: ApolloServerPlugin<GatewayContext>[] = [],
  schema: GraphQLSchema = buildGatewaySchema(),
  posture: ApolloPosture = {},
): ApolloServer<GatewayContext> {
  const introspection = posture.introspection ?? true;
  return new ApolloServer<GatewayContext>({
    schema,
    formatError: errorFormatter({ hideSuggestions: !introspection }),
    includeStacktraceInErrorResponses: false,
    introspection,
    hideSchemaDetailsFromClientErrors: !introspection,
    validationRules: posture.validationRules ?? [],
    parseOptions: posture.parseOptions ?? {},
    allowBatchedHttpRequests: false,
    persistedQueries: false,
    csrfPrevention: true,
    plugins: [...plugins, landingPagePlugin(posture.landingPage ?? false)],
  });
}
