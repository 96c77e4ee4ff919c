import { makeExecutableSchema } from "@graphql-tools/schema";
import { GraphQLError } from "graphql";
import { describe, expect, it } from "vitest";
import { createApolloServer } from "../../src/server/apollo.js";

/** A schema whose resolvers fail the two ways a resolver can: by accident, and on purpose. */
const failing = makeExecutableSchema({
  typeDefs: "type Query { accident: String deliberate: String }",
  resolvers: {
    Query: {
      accident: () => {
        throw new Error("connect ECONNREFUSED 10.0.0.7:6379 (internal detail)");
      },
      deliberate: () => {
        throw new GraphQLError("Account not found: fca_1", { extensions: { code: "NOT_FOUND" } });
      },
    },
  },
});

describe("errors from the gateway's Apollo server", () => {
  it("masks an unexpected error as 'Unexpected error.' with no stack trace or detail, and keeps a deliberate one", async () => {
    const server = createApolloServer([], failing, { introspection: false });
    await server.start();
    try {
      const response = await server.executeOperation({ query: "{ accident deliberate }" });
      const body = response.body.kind === "single" ? response.body.singleResult : undefined;
      expect(body?.errors).toEqual([
        {
          message: "Unexpected error.",
          locations: [{ line: 1, column: 3 }],
          path: ["accident"],
          extensions: { code: "INTERNAL_SERVER_ERROR" },
        },
        {
          message: "Account not found: fca_1",
          locations: [{ line: 1, column: 12 }],
          path: ["deliberate"],
          extensions: { code: "NOT_FOUND" },
        },
      ]);
      expect(JSON.stringify(body)).not.toMatch(/ECONNREFUSED|stacktrace|at \w+ \(/);
    } finally {
      await server.stop();
    }
  });
});
