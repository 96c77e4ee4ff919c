import { type Client, createClient } from "graphql-ws";
import WebSocket from "ws";
import type { GatewayHandle } from "../../src/server/gateway.js";
import { startStack, type TestStack, tokenFor } from "./gateway.js";
import { createCustomer } from "./sandbox-control.js";
import { Changes, DEFAULT_WAIT_MS } from "./wait.js";

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
  /** Announced after each result or error: wait with `changes.until(probe, what)`. */
  changes: Changes;
}

/** Subscribes and records every result's `data` (and errors) until `stop`. */
export function feed<T = Record<string, unknown>>(
  client: Client,
  query: string,
  variables: Record<string, unknown> = {},
): Feed<T> {
  return feedPayload<T>(client, { query, variables });
}

/**
 * `feed` with the whole subscribe `payload` given (a trusted document's id beside an empty
 * `query`, say): records every result's `data` (and errors) until `stop`.
 */
export function feedPayload<T = Record<string, unknown>>(
  client: Client,
  payload: { query: string } & Record<string, unknown>,
): Feed<T> {
  const events: T[] = [];
  const errors: unknown[] = [];
  const changes = new Changes();
  const stop = client.subscribe<T>(payload, {
    next: (result) => {
      if (result.errors) errors.push(...result.errors);
      if (result.data) events.push(result.data as T);
      changes.notify();
    },
    error: (error) => {
      errors.push(error);
      changes.notify();
    },
    complete: () => {},
  });
  return { events, errors, stop, changes };
}

/**
 * Resolves once `gateway` has at least `count` subscriptions of `customerId` registered on its
 * bus (from then on, every event published for the customer reaches them); rejects after
 * `timeoutMs`, or when `failed` (checked on each change of `also`) answers something.
 * Event-driven: it listens to the bus's subscriber-count changes.
 */
export async function waitForSubscribers(
  gateway: GatewayHandle,
  customerId: string,
  count: number,
  options: { timeoutMs?: number; also?: Changes; failed?: () => unknown } = {},
): Promise<void> {
  const fanout = gateway.accountEvents.fanout;
  const changes = new Changes();
  const unwatchBus = fanout.onSubscribersChanged((changed) => {
    if (changed === customerId) changes.notify();
  });
  const unwatchAlso = options.also?.watch(() => changes.notify());
  try {
    const outcome = await changes.until(
      () => {
        const failure = options.failed?.();
        if (failure !== undefined) return { failure };
        return fanout.subscribersOf(customerId) >= count ? { failure: undefined } : undefined;
      },
      `${count} subscription(s) of ${customerId} on the gateway's bus`,
      options.timeoutMs ?? DEFAULT_WAIT_MS,
    );
    if (outcome.failure !== undefined) {
      throw new Error(
        `the subscription failed before it was registered: ${String(outcome.failure)}`,
      );
    }
  } finally {
    unwatchBus();
    unwatchAlso?.();
  }
}

/**
 * Starts a subscription with `subscribe` (a `feed` of a client signed in as `customerId`) and
 * resolves with it once `gateway` registered it on its bus, so an event published from then on
 * reaches it. Rejects when the subscription fails first (its error in the message).
 */
export async function registered<T>(
  gateway: GatewayHandle,
  customerId: string,
  subscribe: () => Feed<T>,
  timeoutMs = DEFAULT_WAIT_MS,
): Promise<Feed<T>> {
  const target = gateway.accountEvents.fanout.subscribersOf(customerId) + 1;
  const live = subscribe();
  await waitForSubscribers(gateway, customerId, target, {
    timeoutMs,
    also: live.changes,
    failed: () => live.errors[0],
  });
  return live;
}

/**
 * What a subscription received before its first event that `isSentinel` recognises, once that
 * event arrived. A subscription receives events in the order they were published, so any event
 * published before the sentinel that reached this subscriber is in the list: asserting on it
 * proves that something did not arrive, without letting time pass.
 */
export async function receivedBefore<T>(
  live: Feed<T>,
  isSentinel: (event: T) => boolean,
  what: string,
  timeoutMs = DEFAULT_WAIT_MS,
): Promise<T[]> {
  const index = await live.changes.until(
    () => {
      const found = live.events.findIndex(isSentinel);
      return found === -1 ? undefined : found;
    },
    what,
    timeoutMs,
  );
  return live.events.slice(0, index);
}

/** A test stack with one customer (1 account, 1 authorization) and a graphql-ws client signed in as it. */
export async function startLiveEnvironment(env: Record<string, string>) {
  const stack = await startStack({ env });
  const customer = await createCustomer(stack, 1, 1);
  const ws = await liveClient(stack, customer.id);
  return { stack, customer, ws };
}
