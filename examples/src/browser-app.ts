/**
 * A browser app on its own origin (listed in the gateway's ALLOWED_ORIGINS) calling the gateway
 * with Apollo Client 4: queries and mutations over HttpLink, subscriptions over graphql-ws
 * (GraphQLWsLink) or, where WebSockets are blocked, over graphql-sse (SseLink below). The bearer
 * token travels in the `Authorization` header on HTTP and SSE, in `connectionParams` on the socket.
 */
import { ApolloClient, ApolloLink, HttpLink, InMemoryCache } from "@apollo/client";
import { GraphQLWsLink } from "@apollo/client/link/subscriptions";
import { getMainDefinition } from "@apollo/client/utilities";
import { Kind, OperationTypeNode, print } from "graphql";
import { type ClientOptions, createClient as createSseClient } from "graphql-sse";
import { createClient as createWsClient } from "graphql-ws";
import { Observable } from "rxjs";

/** graphql-sse as an Apollo link (distinct connections mode, the one the gateway serves). */
export class SseLink extends ApolloLink {
  private readonly client;

  constructor(options: ClientOptions<false>) {
    super();
    this.client = createSseClient({ ...options, singleConnection: false });
  }

  override request(operation: ApolloLink.Operation): Observable<ApolloLink.Result> {
    return new Observable((observer) =>
      this.client.subscribe<Record<string, unknown>, Record<string, unknown>>(
        {
          query: print(operation.query),
          variables: operation.variables,
          operationName: operation.operationName,
        },
        {
          next: (result) => observer.next(result),
          error: (error) => observer.error(error),
          complete: () => observer.complete(),
        },
      ),
    );
  }
}

/** Where the gateway is and how the app gets its user's token. */
export interface GatewayClientOptions {
  /** e.g. "https://api.example.com" (no trailing slash). */
  gatewayUrl: string;
  /** The signed-in user's bearer token (asked for on each request and connection). */
  token: () => string;
  /** Subscriptions over "ws" (graphql-ws) or "sse" (graphql-sse on /graphql/stream). */
  subscriptions: "ws" | "sse";
}

/** An Apollo Client for the gateway: HttpLink for queries and mutations, subscriptions as chosen. */
export function gatewayClient(options: GatewayClientOptions): ApolloClient {
  const authorization = () => `Bearer ${options.token()}`;
  const http = new HttpLink({
    uri: `${options.gatewayUrl}/graphql`,
    fetch: (input, init) =>
      fetch(input, { ...init, headers: { ...init?.headers, authorization: authorization() } }),
  });
  const live =
    options.subscriptions === "ws"
      ? new GraphQLWsLink(
          createWsClient({
            url: `${options.gatewayUrl.replace(/^http/, "ws")}/graphql`,
            connectionParams: () => ({ authorization: authorization() }),
          }),
        )
      : new SseLink({
          url: `${options.gatewayUrl}/graphql/stream`,
          headers: () => ({ authorization: authorization() }),
        });
  const isSubscription = ({ query }: ApolloLink.Operation) => {
    const definition = getMainDefinition(query);
    return (
      definition.kind === Kind.OPERATION_DEFINITION &&
      definition.operation === OperationTypeNode.SUBSCRIPTION
    );
  };
  return new ApolloClient({
    link: ApolloLink.split(isSubscription, live, http),
    cache: new InMemoryCache(),
  });
}
