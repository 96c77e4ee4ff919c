import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import {
  ApolloServer,
  type ApolloServerOptionsWithTypeDefs,
  type BaseContext,
} from "@apollo/server";
import { ApolloServerPluginDrainHttpServer } from "@apollo/server/plugin/drainHttpServer";
import { expressMiddleware } from "@as-integrations/express5";
import express from "express";
import { loadTypeDefs } from "../src/server/type-defs.js";

/** What a comparison server is built from: resolvers over the gateway's SDL, and a context. */
export interface ComparisonServerOptions<TContext extends BaseContext> {
  resolvers: ApolloServerOptionsWithTypeDefs<TContext>["resolvers"];
  /** Builds one operation's context from the request's `Authorization` header (or undefined). */
  context: (request: { authorization: string | undefined }) => Promise<TContext>;
}

/** A running comparison server. */
export interface ServedGraphQL {
  /** e.g. "http://127.0.0.1:40123/graphql" */
  graphqlUrl: string;
  /** Stops accepting, lets in-flight requests finish, then resolves. */
  close(): Promise<void>;
}

/**
 * Serves the SDL of schema/ with the given resolvers at `/graphql` on an ephemeral port, mounted
 * exactly as the gateway mounts its Apollo server (Express 5, JSON body parser, expressMiddleware),
 * so that comparisons with the gateway measure resolvers and data access, not the HTTP stack.
 * Resolves once it listens.
 */
export async function serveGraphQL<TContext extends BaseContext>(
  options: ComparisonServerOptions<TContext>,
): Promise<ServedGraphQL> {
  const app = express();
  app.disable("x-powered-by");
  const httpServer = createServer(app);
  const apollo = new ApolloServer<TContext>({
    typeDefs: loadTypeDefs(),
    resolvers: options.resolvers,
    includeStacktraceInErrorResponses: false,
    plugins: [ApolloServerPluginDrainHttpServer({ httpServer })],
  });
  await apollo.start();
  app.use(
    "/graphql",
    express.json({ limit: "100kb" }),
    expressMiddleware(apollo, {
      context: ({ req }) => options.context({ authorization: req.header("authorization") }),
    }),
  );
  await new Promise<void>((resolve, reject) => {
    httpServer.once("error", reject);
    httpServer.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = httpServer.address() as AddressInfo;
  return { graphqlUrl: `http://127.0.0.1:${port}/graphql`, close: () => apollo.stop() };
}
