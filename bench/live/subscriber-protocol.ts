/** Messages between the subscriber pool (the bench) and its subscriber processes. */

/** How a subscriber reaches its server: a graphql-ws socket, or a graphql-sse stream (distinct connections). */
export type SubscriberProtocol = "ws" | "sse";

/** One set of subscribers signed in the same way (one customer, or one topic of the baseline). */
export interface SubscriberGroup {
  /** The group's index in the pool (the event ids' group). */
  group: number;
  /** graphql-ws: `connectionParams`; SSE: request headers. */
  credentials: Record<string, string>;
  /** Subscribers of this group in this process. */
  subscribers: number;
}

/** What a subscriber process is told to do, its first message. */
export interface SubscriberStart {
  kind: "start";
  protocol: SubscriberProtocol;
  /** ws:// URL of the graphql-ws endpoint, or http:// URL of the graphql-sse one. */
  url: string;
  /** The subscription every subscriber runs once; each result's first field must carry `eventId`. */
  query: string;
  groups: SubscriberGroup[];
}

/** Bench to subscriber process. */
export type ToSubscribers =
  | SubscriberStart
  /** Hand over what was received of this event so far, and ignore it from now on. */
  | { kind: "collect"; eventId: string }
  /** Close every subscriber, then report `closed`. */
  | { kind: "close" };

/**
 * Subscriber process to bench. Times are epoch milliseconds with sub-millisecond precision
 * (`performance.timeOrigin + performance.now()`), comparable across processes of one machine.
 */
export type FromSubscribers =
  /** Subscribers connected (acknowledged socket or stream answered 200) and refused so far. */
  | { kind: "progress"; connected: number; failed: number }
  /** Every subscriber is connected and has sent its subscription (or `failed` were refused). */
  | { kind: "ready"; connected: number; failed: number; firstFailure: string }
  /** Every subscriber of the event's group here received it (sent unasked), or the answer to `collect`. */
  | { kind: "received"; eventId: string; times: number[] }
  | { kind: "closed"; errors: number; late: number; firstError: string };
