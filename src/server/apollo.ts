import { ApolloServer, type ApolloServerPlugin } from "@apollo/server";
import type { GraphQLSchema } from "graphql";
import type { GatewayContext } from "../graphql/context.js";
import { maskError } from "./format-error.js";
import { buildGatewaySchema } from "./schema.js";

/**
 * The Apollo server for the gateway's schema: unexpected errors masked, no stack traces.
 * Transport-free, so tests can call `executeOperation` on it; `startGateway` mounts it.
 */
export function createApolloServer(
  plugins: ApolloServerPlugin<GatewayContext>[] = [],
  schema: GraphQLSchema = buildGatewaySchema(),
): ApolloServer<GatewayContext> {
  return new ApolloServer<GatewayContext>({
    schema,
    formatError: maskError,
    includeStacktraceInErrorResponses: false,
    plugins,
  });
}
