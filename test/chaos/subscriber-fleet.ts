/**
 * The chaos suite's subscribers: each one a browser tab holding `accountStatusChanged` on a
 * graphql-ws socket of its own, resuming the way the README's example does (graphql-ws's own
 * retry re-sends the subscribe payload, whose `after` is kept at the last cursor received), to
 * whichever instance the load balancer offers when its own is gone; a few over graphql-sse,
 * resuming with Last-Event-ID (sse-subscriber.ts).
 */
import { execFileSync } from "node:child_process";
import { createClient } from "graphql-ws";
import WebSocket from "ws";
import { Changes } from "../support/wait.js";
import { openSseSubscriber } from "./sse-subscriber.js";

/** Every lifecycle event of the viewer's customer, resumable. */
export const STATUS_CHANGES = `subscription ChaosStatusChanges($after: String) {
  accountStatusChanged(after: $after) { eventId cursor type account { id status } }
}`;

/** One event as a subscriber received it. */
export interface Receipt {
  eventId: string;
  /** The stream position of its cursor (`<ms>-<seq>`). */
  position: string;
}

/** One simulated tab. */
export interface Subscriber {
  index: number;
  customerId: string;
  /** The instance it prefers (its load-balancer affinity). */
  home: number;
  transport: "graphql-ws" | "graphql-sse";
  received: Receipt[];
  errors: unknown[];
  /** Sockets it opened (1 + reconnects). */
  connections: number;
}

/** The position a cursor (`<position>.<tag>`) names. */
export const positionOf = (cursor: string) => cursor.slice(0, cursor.lastIndexOf("."));

/** What a fleet needs from the cluster. */
export interface FleetTarget {
  /** The base URL of instance `index`, or undefined while it is down. */
  baseUrl(index: number): string | undefined;
  instances: number;
  /** connectionParams' authorization for `customerId`. */
  authorizationFor(customerId: string): Promise<string>;
}

/**
 * Fails, naming the limit, when this process may not open `sockets` more descriptors (each
 * subscriber is a socket here, and the gateways' ends are sockets of their processes, which
 * inherit the same limit).
 */
export function requireDescriptors(sockets: number): void {
  const limit = Number(execFileSync("sh", ["-c", "ulimit -n"]).toString().trim());
  const needed = sockets + 500;
  if (Number.isFinite(limit) && limit < needed) {
    throw new Error(
      `The chaos suite opens ${sockets} sockets in this process and as many in the gateways': ` +
        `the open-files limit (ulimit -n) is ${limit}, it needs at least ${needed}. ` +
        `Raise it (ulimit -n ${needed}) and run again.`,
    );
  }
}

/** The subscribers of a run, and what they received. */
export class SubscriberFleet {
  readonly subscribers: Subscriber[] = [];
  /** Announced after each receipt or error. */
  readonly changes = new Changes();
  private readonly closers: (() => Promise<void>)[] = [];

  constructor(private readonly target: FleetTarget) {}

  /** Opens one graphql-ws subscriber of `customerId` preferring instance `home`. */
  async add(customerId: string, home: number): Promise<Subscriber> {
    const subscriber = this.newSubscriber(customerId, home, "graphql-ws");
    const authorization = await this.target.authorizationFor(customerId);
    const client = createClient({
      url: () => `${this.urlFor(subscriber).replace(/^http/, "ws")}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { authorization },
      lazy: false,
      retryAttempts: Number.MAX_SAFE_INTEGER,
      // A tab retries at once, then backs off a little (jittered, as graphql-ws's own).
      retryWait: (retries) =>
        new Promise((resolve) =>
          setTimeout(resolve, Math.min(1_000, 50 * 2 ** retries) * Math.random() + 20),
        ),
      shouldRetry: () => true,
      on: { connected: () => (subscriber.connections += 1) },
    });
    const variables: { after: string | null } = { after: null };
    client.subscribe<{ accountStatusChanged: { eventId: string; cursor: string } }>(
      { query: STATUS_CHANGES, variables },
      {
        next: (result) => {
          const event = result.data?.accountStatusChanged;
          if (event) {
            subscriber.received.push({
              eventId: event.eventId,
              position: positionOf(event.cursor),
            });
            variables.after = event.cursor;
          }
          if (result.errors) subscriber.errors.push(...result.errors);
          this.changes.notify();
        },
        error: (error) => {
          subscriber.errors.push(error);
          this.changes.notify();
        },
        complete: () => {},
      },
    );
    this.closers.push(async () => client.dispose());
    return subscriber;
  }

  /** Opens one graphql-sse subscriber (resuming with Last-Event-ID) of `customerId`. */
  async addSse(customerId: string, home: number): Promise<Subscriber> {
    const subscriber = this.newSubscriber(customerId, home, "graphql-sse");
    this.closers.push(
      openSseSubscriber({
        subscriber,
        baseUrl: () => this.urlFor(subscriber),
        authorization: await this.target.authorizationFor(customerId),
        changed: () => this.changes.notify(),
      }),
    );
    return subscriber;
  }

  /** Every receipt so far. */
  delivered(): number {
    return this.subscribers.reduce((sum, subscriber) => sum + subscriber.received.length, 0);
  }

  /** Sockets opened so far, reconnections included. */
  connections(): number {
    return this.subscribers.reduce((sum, subscriber) => sum + subscriber.connections, 0);
  }

  async close(): Promise<void> {
    await Promise.all(this.closers.map((close) => close()));
  }

  private newSubscriber(customerId: string, home: number, transport: Subscriber["transport"]) {
    const subscriber: Subscriber = {
      index: this.subscribers.length,
      customerId,
      home,
      transport,
      received: [],
      errors: [],
      connections: 0,
    };
    this.subscribers.push(subscriber);
    return subscriber;
  }

  /** Its home instance's base URL when up, else the first one up (the load balancer's choice). */
  private urlFor(subscriber: Subscriber): string {
    for (let offset = 0; offset < this.target.instances; offset += 1) {
      const url = this.target.baseUrl((subscriber.home + offset) % this.target.instances);
      if (url !== undefined) return url;
    }
    throw new Error("no gateway instance is up");
  }
}
