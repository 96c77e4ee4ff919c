import type Stripe from "stripe";
import type { Logger } from "../observability/logger.js";
import type { ReadModelStore } from "../read-model/store.js";
import type { FcApi } from "../stripe/fc-api.js";
import type { IntakeOutcome } from "./account-event-intake.js";

/** The events the sweep lists: every Financial Connections event type. */
const SWEPT_TYPES = "financial_connections.*";
/** The store's meta value holding the sweep's cursor (epoch seconds). */
const CURSOR = "event-sweep-cursor";
/**
 * The store's meta value holding the second its first sweep started in (epoch seconds), kept
 * while the store keeps its data: the sweep never lists events created before it. A store that
 * lost its data (a Redis restarted without persistence) lost the webhook dedupe with it, so
 * events handled before then would be handled, and published, again.
 */
const ORIGIN = "event-sweep-origin";
/** The lease that lets one instance sweep at a time. */
const LEASE = "event-sweep";
/**
 * Seconds re-listed behind the newest swept moment, for events Stripe lists a little late;
 * re-listed events are duplicates to the shared dedupe and change nothing.
 */
const OVERLAP_S = 60;
const PAGE = 100;

/** What one sweep did. */
export interface SweepResult {
  /** False when another instance holds the sweep lease (nothing was done). */
  swept: boolean;
  /** Outcome counts of the events handed to the intake. */
  outcomes: Record<string, number>;
  /** The cursor stored after the sweep (epoch seconds). */
  cursor: number | undefined;
}

/** A running catch-up sweep. */
export interface EventSweep {
  /** Sweeps now (joining a sweep in progress); resolves with what it did. Never rejects. */
  runOnce(): Promise<SweepResult>;
  /** The start-up sweep (started with the sweep). */
  first: Promise<SweepResult>;
  stop(): void;
}

/** What a sweep is built from. */
export interface EventSweepOptions {
  fc: FcApi;
  store: ReadModelStore;
  /** The webhook path's intake: same handling, same dedupe. */
  intake: (event: Stripe.Event) => Promise<IntakeOutcome>;
  intervalMs: number;
  /** This instance's name for the lease. */
  instanceId: string;
  logger: Logger;
  /** Told, after each sweep, how many seconds ago the last complete sweep started. */
  onLag?: (seconds: number) => void;
  now?: () => number;
}

/**
 * Catches up missed webhooks from Stripe's Events API: on start and every `intervalMs`, the
 * instance holding the lease lists every `financial_connections.*` event created since the cursor
 * kept in the store (minus OVERLAP_S), oldest first, and hands each to the intake, whose dedupe
 * skips the ones the webhook path already handled. The cursor only moves past events that were
 * accepted: a failure stops the sweep, and the next one starts from the same place. With no cursor
 * yet, the first sweep starts from now (an empty read model has nothing to catch up on), and no
 * sweep lists events created before that second (ORIGIN): also after the store lost its data,
 * which the dedupe lost too, so the events handled before the loss are not handled (published)
 * again. Events whose webhooks failed while the store was unreachable are left to Stripe's
 * retries.
 */
export function startEventSweep(options: EventSweepOptions): EventSweep {
  const now = options.now ?? Date.now;
  let lastCompleteStart: number | undefined;
  let running: Promise<SweepResult> | undefined;

  const sweep = async (): Promise<SweepResult> => {
    const startedAt = now();
    const outcomes: Record<string, number> = {};
    const held = await options.store.lease(LEASE, options.instanceId, options.intervalMs * 2);
    if (!held) return { swept: false, outcomes, cursor: undefined };
    const stored = await options.store.getMeta(CURSOR);
    const startSec = Math.floor(startedAt / 1000);
    // The first sweep of a store (a fresh one, or one that lost its data and the dedupe with it)
    // sets the origin, kept until the store is lost again: a sweep that failed keeps it too.
    const storedOrigin = await options.store.getMeta(ORIGIN);
    const origin =
      storedOrigin !== undefined
        ? Number(storedOrigin)
        : stored === undefined
          ? startSec
          : Number(stored) - OVERLAP_S;
    if (storedOrigin === undefined) await options.store.setMeta(ORIGIN, String(origin));
    const cursor = stored === undefined ? origin : Number(stored);
    const events: Stripe.Event[] = [];
    let startingAfter: string | undefined;
    for (;;) {
      const page = await options.fc.listEvents({
        type: SWEPT_TYPES,
        createdGte: Math.max(0, origin, cursor - OVERLAP_S),
        page: { limit: PAGE, startingAfter },
      });
      events.push(...page.data);
      const last = page.data.at(-1);
      if (!page.has_more || last === undefined) break;
      startingAfter = last.id;
    }
    let reached = Math.max(cursor, startSec - OVERLAP_S);
    let complete = true;
    for (const event of events.reverse()) {
      const answer = await options.intake(event).catch((error: unknown) => {
        options.logger.warn({ eventId: event.id, err: error }, "event sweep: event not accepted");
        return undefined;
      });
      if (answer === undefined || answer.status !== 200) {
        complete = false;
        reached = Math.min(reached, event.created);
        break;
      }
      outcomes[answer.outcome] = (outcomes[answer.outcome] ?? 0) + 1;
    }
    const next = complete ? Math.max(cursor, startSec) : Math.max(cursor, reached);
    await options.store.setMeta(CURSOR, String(next));
    if (complete) lastCompleteStart = startedAt;
    return { swept: true, outcomes, cursor: next };
  };

  const runOnce = (): Promise<SweepResult> => {
    running ??= sweep()
      .catch((error: unknown) => {
        options.logger.warn(
          { err: error },
          "event sweep failed; the next one starts from the same cursor",
        );
        return { swept: false, outcomes: {}, cursor: undefined };
      })
      .finally(() => {
        running = undefined;
        if (lastCompleteStart !== undefined) options.onLag?.((now() - lastCompleteStart) / 1000);
      });
    return running;
  };
  const first = runOnce();
  const timer = setInterval(() => void runOnce(), options.intervalMs);
  timer.unref();
  return { runOnce, first, stop: () => clearInterval(timer) };
}
