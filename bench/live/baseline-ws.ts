import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { makeExecutableSchema } from "@graphql-tools/schema";
// graphql-ws's ws adapter, not a React hook: the alias keeps the hooks lint rule off it.
import { useServer as serveGraphqlWs } from "graphql-ws/use/ws";
import { WebSocketServer } from "ws";
import { MemoryPubSub } from "./memory-pubsub.js";

/** The message every baseline subscriber receives: the same fields the gateway's bench query selects. */
export interface BaselineEvent {
  eventId: string;
  type: string;
  occurredAt: string;
  cause: string | null;
  action: string;
  account: { id: string; status: string };
}

const TYPE_DEFS = /* GraphQL */ `
  type Account { id: ID! status: String! }
  type AccountLifecycleEvent {
    eventId: ID!
    type: String!
    occurredAt: String!
    cause: String
    action: String!
    account: Account!
  }
  type Query { ok: Boolean }
  type Subscription { accountDeactivated(accountId: ID): AccountLifecycleEvent! }
`;

/** A running bare graphql-ws server. */
export interface BaselineWsServer {
  /** ws:// URL of its endpoint. */
  url: string;
  /** Publishes `event` to the subscribers whose `connectionParams.topic` is `topic`. */
  publish(topic: string, event: BaselineEvent): void;
  /** Closes every socket and the server. */
  close(): Promise<void>;
}

/**
 * Starts the fan-out baseline on an ephemeral port: graphql-ws's `useServer` on a plain ws
 * server, a trivial schema whose subscription yields what `publish` is given (no auth, no
 * validation beyond graphql-ws's own, no resolvers but the default ones), and an in-memory pubsub
 * keyed by the socket's `connectionParams.topic`. What is left is graphql-ws's own cost: one
 * execution and one JSON message per subscriber.
 */
export async function startBaselineWs(): Promise<BaselineWsServer> {
  const pubsub = new MemoryPubSub<BaselineEvent>();
  const schema = makeExecutableSchema({
    typeDefs: TYPE_DEFS,
    resolvers: {
      Subscription: {
        accountDeactivated: {
          subscribe: (_root: unknown, _args: unknown, context: { topic: string }) =>
            pubsub.subscribe(context.topic),
          resolve: (event: BaselineEvent) => event,
        },
      },
    },
  });
  const httpServer = createServer();
  const wss = new WebSocketServer({ server: httpServer, path: "/graphql" });
  const server = serveGraphqlWs(
    {
      schema,
      context: (ctx) => ({ topic: String(ctx.connectionParams?.topic ?? "") }),
    },
    wss,
  );
  await new Promise<void>((resolve, reject) => {
    httpServer.once("error", reject);
    httpServer.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = httpServer.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${port}/graphql`,
    publish: (topic, event) => pubsub.publish(topic, event),
    close: async () => {
      for (const socket of wss.clients) socket.close(1001, "Bench done");
      await server.dispose();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await new Promise<void>((resolve) => httpServer.close(() => resolve()));
    },
  };
}
