import { ApolloServer, type ApolloServerPlugin } from "@apollo/server";
import type { GatewayContext } from "../graphql/context.js";
import { resolvers } from "../graphql/resolvers/index.js";
import { maskError } from "./format-error.js";
import { loadTypeDefs } from "./type-defs.js";

/**
 * The Apollo server for the gateway's schema: resolvers bound, unexpected errors masked, no stack
 * traces. Transport-free, so tests can call `executeOperation` on it; `startGateway` mounts it.
 */
export function createApolloServer(
  plugins: ApolloServerPlugin<GatewayContext>[] = [],
): ApolloServer<GatewayContext> {
  return new ApolloServer<GatewayContext>({
    typeDefs: loadTypeDefs(),
    resolvers,
    formatError: maskError,
    includeStacktraceInErrorResponses: false,
    plugins,
  });
}
