/**
 * The real HTTP subscription clients, signed in as a customer, recording into a `Feed` like the
 * graphql-ws `feed` (live.ts): The Guild's graphql-sse client (distinct connections) on
 * /graphql/stream, and Apollo Client 4 with a plain HttpLink (multipart subscriptions) on /graphql.
 */
import { ApolloClient, gql, HttpLink, InMemoryCache } from "@apollo/client";
import { createClient } from "graphql-sse";
import type { TestStack } from "./gateway.js";
import type { Feed } from "./live.js";
import { Changes } from "./wait.js";

/** A feed's recorders: `next` records data and errors, `fail` a transport error. */
function recorder<T>() {
  const events: T[] = [];
  const errors: unknown[] = [];
  const changes = new Changes();
  let completed = false;
  return {
    events,
    errors,
    changes,
    completed: () => completed,
    next: (data: unknown, resultErrors: readonly unknown[] | undefined) => {
      if (resultErrors) errors.push(...resultErrors);
      if (data) events.push(data as T);
      changes.notify();
    },
    fail: (error: unknown) => {
      errors.push(error);
      changes.notify();
    },
    complete: () => {
      completed = true;
      changes.notify();
    },
  };
}

/** A feed that also tells when the server completed it. */
export type HttpFeed<T> = Feed<T> & { completed(): boolean };

/** Subscribes over graphql-sse with `token` (a customer's, from `tokenFor`) in `Authorization`. */
export function sseFeed<T = Record<string, unknown>>(
  stack: TestStack,
  token: string,
  query: string,
  variables: Record<string, unknown> = {},
  /** More request fields: a trusted document's `documentId` or `extensions`. */
  extra: Record<string, unknown> = {},
): HttpFeed<T> {
  const client = createClient({
    url: `${stack.gateway.url}/graphql/stream`,
    singleConnection: false,
    headers: { authorization: `Bearer ${token}` },
    retryAttempts: 0,
  });
  const record = recorder<T>();
  const stop = client.subscribe(
    { query, variables, ...extra },
    {
      next: (result) => record.next(result.data, result.errors),
      error: record.fail,
      complete: record.complete,
    },
  );
  return {
    ...record,
    stop: () => {
      stop();
      client.dispose();
    },
  };
}

/** Subscribes with Apollo Client 4 over a plain HttpLink, with `token` in `Authorization`. */
export function apolloFeed<T = Record<string, unknown>>(
  stack: TestStack,
  token: string,
  query: string,
  variables: Record<string, unknown> = {},
): HttpFeed<T> {
  const client = new ApolloClient({
    link: new HttpLink({
      uri: `${stack.gateway.url}/graphql`,
      headers: { authorization: `Bearer ${token}` },
    }),
    cache: new InMemoryCache(),
  });
  const record = recorder<T>();
  const subscription = client.subscribe({ query: gql(query), variables }).subscribe({
    next: (result) => record.next(result.data, result.error ? [result.error] : undefined),
    error: record.fail,
    complete: record.complete,
  });
  return {
    ...record,
    stop: () => {
      subscription.unsubscribe();
      client.stop();
    },
  };
}

/** A raw multipart subscription request (what Apollo Client sends), for the wire format. */
export async function multipartRequest(
  target: TestStack,
  token: string,
  query: string | undefined,
  /** More request fields: a trusted document's `documentId` or `extensions`. */
  extra: Record<string, unknown> = {},
) {
  return fetch(`${target.gateway.url}/graphql`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      accept: 'multipart/mixed;subscriptionSpec="1.0", application/json',
      authorization: `Bearer ${token}`,
    },
    body: JSON.stringify({ query, ...extra }),
  });
}

/** Reads a streaming body as text, announcing each chunk and its end. */
export function bodyText(response: Response) {
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const state = {
    text: "",
    ended: false,
    changes: new Changes(),
    /** Stops reading and closes the connection (the client leaves). */
    cancel: () => void reader.cancel().catch(() => {}),
  };
  void (async () => {
    const decoder = new TextDecoder();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      state.text += decoder.decode(value, { stream: true });
      state.changes.notify();
    }
  })()
    .catch(() => {})
    .finally(() => {
      state.ended = true;
      state.changes.notify();
    });
  return state;
}
