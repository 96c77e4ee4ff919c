import type { GraphQLData } from "../query.js";
import { type ServedGraphQL, serveGraphQL } from "../serve.js";

/**
 * Starts the baseline: a bare Apollo Server over the gateway's SDL whose `accounts` returns
 * `answer.accounts`, a result computed beforehand and held in memory (the gateway's own answer to
 * the dashboard query), and whose other fields use the default resolvers. It does what any
 * GraphQL server must do for that query (parse, validate, execute, serialize) and nothing else:
 * the floor the gateway is compared with. Resolves once it listens.
 */
export function startBaselineServer(answer: GraphQLData): Promise<ServedGraphQL> {
  const accounts = answer.accounts;
  return serveGraphQL({
    resolvers: {
      Node: { __resolveType: () => "Account" },
      Query: { accounts: () => accounts },
    },
    context: async () => ({}),
  });
}
