import { makeExecutableSchema } from "@graphql-tools/schema";
import type { GraphQLSchema } from "graphql";
import { resolvers } from "../graphql/resolvers/index.js";
import { loadTypeDefs } from "./type-defs.js";

/** The executable schema, built once: HTTP (Apollo) and WebSocket (graphql-ws) serve the same one. */
export function buildGatewaySchema(): GraphQLSchema {
  return makeExecutableSchema({ typeDefs: loadTypeDefs(), resolvers });
}
