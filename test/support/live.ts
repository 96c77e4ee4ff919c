import { setTimeout as sleep } from "node:timers/promises";
import { type Client, createClient } from "graphql-ws";
import WebSocket from "ws";
import { type TestStack, tokenFor } from "./gateway.js";

/** A graphql-ws client of the stack's gateway, signed in as `customer`. */
export async function liveClient(
  stack: TestStack,
  customer: string,
  extra: Record<string, unknown> = {},
): Promise<Client> {
  const token = await tokenFor(stack, customer);
  return createClient({
    url: `${stack.gateway.url.replace("http", "ws")}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${token}`, ...extra },
    retryAttempts: 0,
    lazy: true,
  });
}

/** A running subscription: what it received so far, its errors, and how to stop it. */
export interface Feed<T> {
  events: T[];
  errors: unknown[];
  stop(): void;
}

/** Subscribes and records every result's `data` (and errors) until `stop`. */
export function feed<T = Record<string, unknown>>(
  client: Client,
  query: string,
  variables: Record<string, unknown> = {},
): Feed<T> {
  const events: T[] = [];
  const errors: unknown[] = [];
  const stop = client.subscribe<T>(
    { query, variables },
    {
      next: (result) => {
        if (result.errors) errors.push(...result.errors);
        if (result.data) events.push(result.data as T);
      },
      error: (error) => errors.push(error),
      complete: () => {},
    },
  );
  return { events, errors, stop };
}

/** Waits until `condition` holds, polling; throws after `timeoutMs`. */
export async function eventually(
  condition: () => boolean,
  timeoutMs = 5_000,
  what = "condition",
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await sleep(10);
  }
}

/**
 * Lets time pass so that anything wrongly in flight would arrive: used before asserting that a
 * subscriber received nothing more.
 */
export const settle = (ms = 300) => sleep(ms);
