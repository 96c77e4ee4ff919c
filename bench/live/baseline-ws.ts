import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { makeExecutableSchema } from "@graphql-tools/schema";
import { createHandler as createSseHandler } from "graphql-sse/lib/use/http";
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

/** What `POST /publish` takes: `event` goes to the subscribers of `topic`. */
export interface BaselinePublish {
  topic: string;
  event: BaselineEvent;
}

/** The header (SSE) or `connectionParams` key (graphql-ws) naming a subscriber's topic. */
export const TOPIC_HEADER = "x-bench-topic";

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

/** A running bare graphql-ws + graphql-sse server. */
export interface BaselineServer {
  /** ws:// URL of its graphql-ws endpoint (`connectionParams[TOPIC_HEADER]` names the topic). */
  wsUrl: string;
  /** http:// URL of its graphql-sse endpoint (distinct connections; the TOPIC_HEADER header). */
  sseUrl: string;
  /** http:// URL that publishes the JSON BaselinePublish POSTed to it, answering 204. */
  publishUrl: string;
  /** Closes every socket and stream and the server. */
  close(): Promise<void>;
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString("utf8"));
}

/**
 * Starts the fan-out baseline on an ephemeral port of 127.0.0.1: graphql-ws's `useServer` on a
 * plain ws server (`/graphql`) and graphql-sse's `createHandler` on node:http (`/graphql/stream`),
 * a trivial schema whose subscription yields what is published (no auth, no validation beyond the
 * libraries' own, no resolvers but the default ones), an in-memory pubsub keyed by the
 * subscriber's topic, and `POST /publish` (the trigger, an HTTP request like the gateway's
 * webhook). What is left is the libraries' own cost: one execution and one message per subscriber.
 */
export async function startBaselineServer(): Promise<BaselineServer> {
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
  const sse = createSseHandler({
    schema,
    context: (req) => ({ topic: String(req.raw.headers[TOPIC_HEADER] ?? "") }),
  });
  const publish = async (request: IncomingMessage, response: ServerResponse) => {
    const { topic, event } = (await readJson(request)) as BaselinePublish;
    pubsub.publish(topic, event);
    response.writeHead(204).end();
  };
  const httpServer = createServer((request, response) => {
    const path = request.url ?? "/";
    const handled =
      path === "/publish" && request.method === "POST"
        ? publish(request, response)
        : path === "/graphql/stream"
          ? sse(request, response)
          : Promise.resolve(void response.writeHead(404).end());
    handled.catch(() => {
      if (!response.headersSent) response.writeHead(500);
      response.end();
    });
  });
  const wss = new WebSocketServer({ server: httpServer, path: "/graphql" });
  const server = serveGraphqlWs(
    {
      schema,
      context: (ctx) => ({ topic: String(ctx.connectionParams?.[TOPIC_HEADER] ?? "") }),
    },
    wss,
  );
  await new Promise<void>((resolve, reject) => {
    httpServer.once("error", reject);
    httpServer.listen(0, "127.0.0.1", () => resolve());
  });
  const base = `127.0.0.1:${(httpServer.address() as AddressInfo).port}`;
  return {
    wsUrl: `ws://${base}/graphql`,
    sseUrl: `http://${base}/graphql/stream`,
    publishUrl: `http://${base}/publish`,
    close: async () => {
      for (const socket of wss.clients) socket.close(1001, "Bench done");
      await server.dispose();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      httpServer.closeAllConnections();
      await new Promise<void>((resolve) => httpServer.close(() => resolve()));
    },
  };
}
