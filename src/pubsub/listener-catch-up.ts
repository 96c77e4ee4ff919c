import type { PublishedLifecycleEvent } from "./account-event.js";
import { comparePositions, parsePosition, type StreamPosition } from "./event-position.js";
import type { LocalFanout } from "./local-fanout.js";

/** How long to wait before reading the streams again when Redis refused the catch-up read. */
const RETRY_MS = 200;

/** What the catch-up needs: this instance's subscribers, and a read of a customer's stream. */
export interface ListenerCatchUpDeps {
  fanout: LocalFanout<PublishedLifecycleEvent>;
  /** The customer's stream entries from `start` (an XRANGE start: `<ms>-<seq>`, or `(` + position). */
  readFrom(customerId: string, start: string): Promise<PublishedLifecycleEvent[]>;
  /** True while the listener connection is up (a catch-up stops when it went down again). */
  listening(): boolean;
  onError(error: unknown): void;
}

/** The channel side of a Redis bus, which a lost listener connection cannot leave with a gap. */
export interface ListenerCatchUp {
  /** An event heard on the channel. */
  hear(event: PublishedLifecycleEvent): void;
  /** The listener connection went down: events published from now on are not heard. */
  lost(): void;
  /**
   * The listener is subscribed again: reads, from the customers' streams, what was published
   * while it was not (for the customers this instance has subscribers of), and hands it to them
   * in stream order before anything heard since. Resolves when done (or when the connection went
   * down again: the next `resumed` goes on).
   */
  resumed(): Promise<void>;
}

/**
 * Pub/sub delivers only to connections subscribed at the moment of publishing: an instance whose
 * listener reconnects later than another instance's publisher (a Redis restart, a network blip)
 * would never hear what was published in between, and its connected subscribers would have a
 * silent gap. Every event is also in its customer's stream (the same script appends and
 * publishes), so on reconnection the missed ones are read from there: for each customer with
 * subscribers here, after the last position handed to them, or else from the last moment this
 * instance is known to have been listening (the newest position heard). Events heard on the
 * channel meanwhile wait, so the order stays the streams'; an event both read and heard is handed
 * over once.
 */
export function createListenerCatchUp(deps: ListenerCatchUpDeps): ListenerCatchUp {
  /** The last position handed to each customer's subscribers (customers with subscribers here). */
  const handed = new Map<string, StreamPosition>();
  /** Milliseconds of the newest position heard: this instance was listening then. */
  let listeningAtMs: number | undefined;
  /** The events heard in that millisecond (a catch-up reads from its start). */
  let heardAtThatMs = new Set<string>();
  /** Events heard while a catch-up runs; undefined while none does. */
  let held: PublishedLifecycleEvent[] | undefined;
  let running: Promise<void> | undefined;
  deps.fanout.onSubscribersChanged((customerId, subscribers) => {
    if (subscribers === 0) handed.delete(customerId);
  });

  const note = (event: PublishedLifecycleEvent) => {
    if (deps.fanout.subscribersOf(event.customerId) > 0)
      handed.set(event.customerId, event.position);
    const ms = parsePosition(event.position)?.[0];
    if (ms === undefined || (listeningAtMs !== undefined && ms < listeningAtMs)) return;
    if (ms !== listeningAtMs) heardAtThatMs = new Set();
    listeningAtMs = ms;
    heardAtThatMs.add(event.eventId);
  };
  /** Hands over an event of a catch-up, unless its customer's subscribers had it already. */
  const handOnce = (event: PublishedLifecycleEvent) => {
    const last = handed.get(event.customerId);
    if (last !== undefined && comparePositions(event.position, last) <= 0) return;
    note(event);
    deps.fanout.deliver(event);
  };

  const catchUp = async () => {
    // Without any position heard yet, nothing was published while this instance listened.
    const fromMs = listeningAtMs ?? Date.now();
    const heardThen = new Set(heardAtThatMs);
    for (;;) {
      try {
        for (const customerId of deps.fanout.customers()) {
          const last = handed.get(customerId);
          const start = last === undefined ? `${fromMs}-0` : `(${last}`;
          for (const event of await deps.readFrom(customerId, start))
            if (!heardThen.has(event.eventId)) handOnce(event);
        }
        break;
      } catch (error) {
        deps.onError(error);
        if (!deps.listening()) return;
        await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
      }
    }
    const heard = held ?? [];
    held = undefined;
    for (const event of heard) handOnce(event);
  };

  return {
    hear: (event) => {
      if (held) {
        held.push(event);
        return;
      }
      note(event);
      deps.fanout.deliver(event);
    },
    lost: () => {
      held ??= [];
    },
    resumed: () => {
      if (held === undefined) return Promise.resolve();
      running ??= catchUp().finally(() => {
        running = undefined;
      });
      return running;
    },
  };
}
