import { performance } from "node:perf_hooks";
import { type Distribution, distribution } from "./stats.js";
import type { SubscriberPool } from "./subscriber-pool.js";

/** Something that makes one group of the pool's subscribers receive an event. */
export interface FanoutTarget {
  /** Groups (customers, or topics of the baseline), in the pool's order. */
  groups: number;
  /**
   * Prepares event `eventId` for group `group`'s subscribers (builds and signs it) and returns
   * what sends it; the clock starts when that is called. The send rejects when the target refused
   * the event (e.g. the webhook was not published): the round would wait for nothing.
   */
  prepare(group: number, eventId: string): () => Promise<void>;
}

/** Rounds and waits of one fan-out measurement. */
export interface FanoutSettings {
  /** Measured rounds; each triggers one event per group, all at once. */
  rounds: number;
  /** Unmeasured rounds after the first round that reached every subscriber. */
  warmupRounds: number;
  /** How long a round waits for its last subscriber before counting the rest as missed. */
  timeoutMs: number;
  /** Prefix of the event ids, so that targets and runs never share one. */
  idPrefix: string;
  /**
   * Called between phases, to read the server: `idle` once every subscription is registered
   * (after the round that proved it) and before the warm-up, `measuring` just before the first
   * measured round, `measured` just after the last.
   */
  phases?: { idle?(): Promise<void>; measuring?(): Promise<void>; measured?(): Promise<void> };
  /**
   * Awaited before each measured round (after `measuring`), unmeasured: e.g. until the target's
   * Stripe calls of the previous round stopped, so each round starts from an idle Stripe budget.
   */
  beforeEachRound?(): Promise<void>;
}

/** What one fan-out measurement gave. */
export interface FanoutFigures {
  rounds: number;
  /** Events triggered in the measured rounds (rounds x groups). */
  events: number;
  /** Receipts measured: subscribers x events when nothing was missed. */
  deliveries: number;
  /** Receipts that did not arrive within the round's timeout. */
  missed: number;
  /** From an event's trigger to each subscriber's receipt of it. */
  latencyMs: Distribution;
  /** From an event's trigger to its last subscriber's receipt (time to reach everyone). */
  lastReceiptMs: Distribution;
}

/** Rounds tried at the start, waiting for every subscription to be registered on the server. */
const READY_ATTEMPTS = 10;
/** How long each of those waits: the very first round also pays for cold code paths. */
const READY_TIMEOUT_MS = 15_000;
const now = () => performance.timeOrigin + performance.now();

interface Round {
  latencies: number[];
  lastReceipts: number[];
  missed: number;
}

async function round(
  pool: SubscriberPool,
  target: FanoutTarget,
  idOf: (group: number) => string,
  timeoutMs: number,
): Promise<Round> {
  const prepared = Array.from({ length: target.groups }, (_, group) => {
    const eventId = idOf(group);
    return { eventId, send: target.prepare(group, eventId) };
  });
  const sent = prepared.map(({ eventId, send }) => {
    const at = now();
    return { eventId, at, triggered: send() };
  });
  const receipts = await Promise.all(
    sent.map(async ({ eventId, at, triggered }, group) => {
      const [received] = await Promise.all([pool.receipts(eventId, group, timeoutMs), triggered]);
      return { at, received, expected: pool.groupSizes[group] ?? 0 };
    }),
  );
  const result: Round = { latencies: [], lastReceipts: [], missed: 0 };
  for (const { at, received, expected } of receipts) {
    const latencies = received.times.map((time) => time - at);
    result.latencies.push(...latencies);
    if (latencies.length > 0) result.lastReceipts.push(Math.max(...latencies));
    result.missed += Math.max(0, expected - received.times.length);
  }
  return result;
}

/**
 * Measures how long events take from trigger to subscriber: first repeats rounds until one
 * reaches every subscriber (graphql-ws does not acknowledge a subscription, so this is how the
 * bench knows all are registered), then `warmupRounds` unmeasured rounds, then `rounds` measured
 * ones, one after the other. Throws when no round reached everyone within READY_ATTEMPTS tries.
 */
export async function measureFanout(
  pool: SubscriberPool,
  target: FanoutTarget,
  settings: FanoutSettings,
): Promise<FanoutFigures> {
  const ids = (label: string) => (group: number) => `evt_${settings.idPrefix}${label}g${group}`;
  let ready = false;
  for (let attempt = 0; attempt < READY_ATTEMPTS && !ready; attempt += 1) {
    const { missed } = await round(pool, target, ids(`ready${attempt}`), READY_TIMEOUT_MS);
    ready = missed === 0;
  }
  if (!ready) {
    throw new Error(
      `no event reached all ${pool.connected} subscribers in ${READY_ATTEMPTS} tries`,
    );
  }
  await settings.phases?.idle?.();
  for (let index = 0; index < settings.warmupRounds; index += 1) {
    await round(pool, target, ids(`warm${index}`), settings.timeoutMs);
  }
  const latencies: number[] = [];
  const lastReceipts: number[] = [];
  let missed = 0;
  await settings.phases?.measuring?.();
  for (let index = 0; index < settings.rounds; index += 1) {
    await settings.beforeEachRound?.();
    const measured = await round(pool, target, ids(`r${index}`), settings.timeoutMs);
    latencies.push(...measured.latencies);
    lastReceipts.push(...measured.lastReceipts);
    missed += measured.missed;
  }
  await settings.phases?.measured?.();
  return {
    rounds: settings.rounds,
    events: settings.rounds * target.groups,
    deliveries: latencies.length,
    missed,
    latencyMs: distribution(latencies),
    lastReceiptMs: distribution(lastReceipts),
  };
}
