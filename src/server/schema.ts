import { makeExecutableSchema } from "@graphql-tools/schema";
import type { GraphQLSchema } from "graphql";
import { resolvers } from "../graphql/resolvers/index.js";
import { costDirectivesOf } from "../limits/cost-directives.js";
import { loadTypeDefs } from "./type-defs.js";

/**
 * The executable schema, built once: HTTP (Apollo) and WebSocket (graphql-ws) serve the same one.
 * Its cost directives are read here, so a bad one stops the start and pricing only looks them up.
 */
export function buildGatewaySchema(): GraphQLSchema {
  const schema = makeExecutableSchema({ typeDefs: loadTypeDefs(), resolvers });
  costDirectivesOf(schema);
  return schema;
}
