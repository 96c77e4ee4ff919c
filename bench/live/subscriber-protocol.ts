/** Messages between the subscriber pool (main thread) and its worker thread. */

/** One set of sockets signed in the same way (one customer, or one topic of the baseline). */
export interface SubscriberGroup {
  connectionParams: Record<string, unknown>;
  sockets: number;
}

/** What the worker is started with (its `workerData`). */
export interface SubscriberWorkerData {
  /** ws:// URL of the graphql-ws endpoint. */
  url: string;
  /** The subscription every socket runs once; each result's first field must carry `eventId`. */
  query: string;
  groups: SubscriberGroup[];
}

/** Main thread to worker. */
export type ToWorker =
  /** Hand over what was received of this event so far, and ignore it from now on. */
  | { kind: "collect"; eventId: string }
  /** Dispose every client, then report `closed`. */
  | { kind: "close" };

/**
 * Worker to main thread. Times are epoch milliseconds with sub-millisecond precision
 * (`performance.timeOrigin + performance.now()`), comparable across threads.
 */
export type FromWorker =
  /** Every socket is acknowledged and has sent its subscription (or `failed` sockets were refused). */
  | { kind: "ready"; connected: number; failed: number; firstFailure: string }
  /** Every subscriber of the event's group received it (sent unasked), or the answer to `collect`. */
  | { kind: "received"; eventId: string; expected: number; times: number[] }
  | { kind: "closed"; errors: number; late: number; firstError: string };
