import { context, trace } from "@opentelemetry/api";
import { ATTR, inSpan, inSpanNow } from "../observability/spans.js";
import type { StripeAccount } from "../stripe/wire-types.js";
import { markChecked } from "./checked-at.js";
import { type FenceStore, inMemoryFenceStore } from "./fences.js";
import { createPendingRereads, type PendingRereads } from "./pending-rereads.js";
import type { ReadModelStore, Stored, StoredKind, StoredObjects } from "./store.js";

/** What a read of the read model found: served from it ("hit"), not there ("miss"), or unreadable. */
export type LookupOutcome = "hit" | "miss" | "stale" | "error";

/** Told of each lookup and revalidation (metrics). */
export interface ReadModelListener {
  lookup?(kind: StoredKind | "accounts", outcome: LookupOutcome): void;
  /** A stale object (or account set) is being revalidated in the background. */
  revalidation?(kind: StoredKind | "accounts"): void;
  /** A store call failed; the read fell back to Stripe (or the write was skipped). */
  storeError?(error: unknown): void;
}

/**
 * The gateway's read model of viewer-visible Stripe state, shared by every operation of the
 * process (and, over Redis, by every instance). Reads that find nothing (or cannot reach the store)
 * load from Stripe through the caller's `load`, and concurrent loads of one key on this instance
 * share one Stripe read. A store that cannot be reached never fails a read: the read goes to
 * Stripe (through the limiter, as without a read model) and the failure is reported. Each lookup
 * is a span (`read_model lookup`: kind, outcome hit/miss/stale/error/refresh) under the active one;
 * a revalidation marks the active span (`read_model.revalidation`) and runs in a span of its own.
 * No span records a customer, an id or a key.
 */
export interface ReadModel {
  readonly store: ReadModelStore;
  /**
   * The customers' read-your-writes fences (see fences.ts and data/read-your-writes.ts). A fence
   * store that cannot be reached is reported and answers no fences (writes to it are skipped):
   * reads then keep to the read model's bounded staleness.
   */
  readonly fences: FenceStore;
  /**
   * The webhook path's background re-reads in flight on this instance: a read whose copy is
   * behind a fence waits for the one on its way before asking Stripe itself.
   */
  readonly rereads: PendingRereads;
  /** Age after which a stored object is served but revalidated (milliseconds). */
  readonly maxAgeMs: number;
  /** The stored object, or undefined when it is not stored or the store is unreachable. */
  get<K extends StoredKind>(
    kind: K,
    customerId: string,
    id: string,
  ): Promise<Stored<StoredObjects[K]> | undefined>;
  /**
   * The stored object at once, when the store is in the process (see ReadModelStore.peek), it is
   * stored, not older than `maxAgeMs`, and `serves` accepts it: recorded as the hit `get` would
   * record (its span and lookup), and marked with its `checkedAt`. Otherwise undefined, and nothing
   * is recorded: the caller reads through `get`, which records what it finds.
   */
  servedNow<K extends StoredKind>(
    kind: K,
    customerId: string,
    id: string,
    serves: (object: StoredObjects[K]) => boolean,
  ): StoredObjects[K] | undefined;
  /**
   * What `accounts` would answer, at once, when the store is in the process (see
   * ReadModelStore.peekAccounts), a full list of the customer's is stored, and none of its
   * accounts is older than `maxAgeMs`: recorded as the hit `accounts` would record. Otherwise
   * undefined, and nothing is recorded: the caller reads through `accounts` (a load, or a stale
   * set's revalidation).
   */
  accountsNow(customerId: string): StripeAccount[] | undefined;
  /**
   * Stores an object of `customerId` read at `checkedAt` (newer wins; with `replace`, whatever is
   * stored: a `refresh: true` read; failures are reported only).
   */
  put<K extends StoredKind>(
    kind: K,
    customerId: string,
    object: StoredObjects[K],
    checkedAt: number,
    replace?: boolean,
  ): Promise<void>;
  /**
   * Adds a newly linked account to the customer's set when the set is loaded (store it with
   * `put` first); failures are reported only.
   */
  addToSet(customerId: string, accountId: string): Promise<void>;
  /**
   * The customer's accounts, newest first: from the store when a full list is stored, else from
   * `load` (one load per customer at a time on this instance), which is then stored. A stored set
   * whose oldest object is older than `maxAgeMs` is served and loaded again in the background.
   * With `refresh`, always loaded, and stored in place of whatever is stored. Each account is marked with its `checkedAt`.
   */
  accounts(
    customerId: string,
    load: () => Promise<StripeAccount[]>,
    refresh?: boolean,
  ): Promise<StripeAccount[]>;
  /**
   * Runs `revalidate` in the background, once per key at a time (concurrent and later stale reads
   * of the object while it runs start nothing more); failures are reported, never thrown.
   */
  revalidate(kind: StoredKind | "accounts", key: string, revalidate: () => Promise<unknown>): void;
  /**
   * Whether a lookup of `id` (not in the read model) may ask Stripe: "remembered" when the id is
   * a remembered miss of the customer, "over-budget" when the customer's misses this minute and
   * its lookups in flight on this instance already make MISS_BUDGET, else (or when the store
   * cannot tell, in-flight lookups still counted) "ok", and the lookup counts as in flight
   * until `lookUpEnded`: concurrent lookups cannot all pass the check before any has missed.
   */
  mayLookUp(customerId: string, id: string): Promise<"ok" | "remembered" | "over-budget">;
  /** Ends a lookup that `mayLookUp` answered "ok" (whatever its outcome). */
  lookUpEnded(customerId: string): void;
  /** Records that `id` turned out not to be the customer's (missing, or another's). */
  noteMiss(customerId: string, id: string): Promise<void>;
  /** Runs `work` once for concurrent callers with the same key; later callers share its result. */
  once<T>(key: string, work: () => Promise<T>): Promise<T>;
  /** The current time in milliseconds (the clock `checkedAt` is read from). */
  now(): number;
}

/** What a read model is built from. */
export interface ReadModelOptions {
  store: ReadModelStore;
  maxAgeMs: number;
  /** Where fences live (Redis with REDIS_URL); in memory when not given. */
  fences?: FenceStore;
  listener?: ReadModelListener;
  now?: () => number;
}

/** How long an id that is not the customer's is remembered as such. */
export const MISS_TTL_MS = 60_000;
/** Stripe lookups of ids that turn out not to be the customer's, per customer and minute. */
export const MISS_BUDGET = 10;

/** Newest first, as Stripe lists them (stable for equal `created`). */
const newestFirst = (accounts: StripeAccount[]) =>
  accounts.sort((a, b) => (b.created ?? 0) - (a.created ?? 0));

/** The oldest `checkedAt` of a stored list (Infinity for none: an empty list is never stale). */
const oldestOf = (stored: Stored<StripeAccount>[]) =>
  stored.reduce((oldest, entry) => Math.min(oldest, entry.checkedAt), Number.POSITIVE_INFINITY);

/** Builds the process's read model over a store. */
export function createReadModel({
  store,
  maxAgeMs,
  fences = inMemoryFenceStore(),
  listener = {},
  now = Date.now,
}: ReadModelOptions): ReadModel {
  const inFlight = new Map<string, Promise<unknown>>();
  const once = <T>(key: string, work: () => Promise<T>): Promise<T> => {
    const running = inFlight.get(key);
    if (running !== undefined) return running as Promise<T>;
    const started = work().finally(() => inFlight.delete(key));
    inFlight.set(key, started);
    return started;
  };
  const reported = (error: unknown) => {
    listener.storeError?.(error);
    return undefined;
  };
  const revalidating = new Set<string>();
  /** Lookups of unknown ids in flight on this instance, per customer (see mayLookUp). */
  const lookingUp = new Map<string, number>();
  const revalidate = (
    kind: StoredKind | "accounts",
    key: string,
    work: () => Promise<unknown>,
  ): void => {
    if (revalidating.has(key)) return;
    revalidating.add(key);
    listener.revalidation?.(kind);
    trace
      .getSpan(context.active())
      ?.setAttribute(ATTR.readModelRevalidation, true)
      .addEvent("read_model.revalidation", { [ATTR.readModelKind]: kind });
    const traced = () =>
      inSpan("read_model revalidate", { [ATTR.readModelKind]: kind }, () => work());
    void once(key, traced)
      .catch(reported)
      .finally(() => revalidating.delete(key));
  };
  const outcomeOf = (checkedAt: number): LookupOutcome =>
    now() - checkedAt > maxAgeMs ? "stale" : "hit";
  return {
    store,
    fences: {
      fences: (customerId) =>
        fences.fences(customerId).catch((error: unknown) => {
          reported(error);
          return new Map();
        }),
      ...(fences.peek === undefined
        ? {}
        : { peek: (customerId: string) => fences.peek?.(customerId) ?? new Map() }),
      open: (customerId, authorizationId, sessionId) =>
        fences.open(customerId, authorizationId, sessionId).catch(reported),
      raise: (customerId, authorizationId, raise) =>
        fences.raise(customerId, authorizationId, raise).catch(reported),
      close: () => fences.close(),
    },
    rereads: createPendingRereads(),
    maxAgeMs,
    now,
    once,
    get: (kind, customerId, id) =>
      inSpan("read_model lookup", { [ATTR.readModelKind]: kind }, async (span) => {
        const stored = await store.get(kind, customerId, id).catch(reported);
        const outcome = stored === undefined ? "miss" : outcomeOf(stored.checkedAt);
        span.setAttribute(ATTR.readModelOutcome, outcome);
        listener.lookup?.(kind, outcome);
        if (stored !== undefined) markChecked(stored.object, stored.checkedAt);
        return stored;
      }),
    servedNow: (kind, customerId, id, serves) => {
      const stored = store.peek?.(kind, customerId, id);
      if (stored === undefined || outcomeOf(stored.checkedAt) !== "hit" || !serves(stored.object))
        return undefined;
      return inSpanNow(
        "read_model lookup",
        { [ATTR.readModelKind]: kind, [ATTR.readModelOutcome]: "hit" },
        () => {
          listener.lookup?.(kind, "hit");
          return markChecked(stored.object, stored.checkedAt);
        },
      );
    },
    accountsNow: (customerId) => {
      const stored = store.peekAccounts?.(customerId);
      if (stored === undefined || outcomeOf(oldestOf(stored)) !== "hit") return undefined;
      return inSpanNow(
        "read_model lookup",
        { [ATTR.readModelKind]: "accounts", [ATTR.readModelOutcome]: "hit" },
        () => {
          listener.lookup?.("accounts", "hit");
          return newestFirst(stored.map((entry) => markChecked(entry.object, entry.checkedAt)));
        },
      );
    },
    put: async (kind, customerId, object, checkedAt, replace) => {
      await store.put(kind, customerId, object, checkedAt, replace).catch(reported);
    },
    addToSet: async (customerId, accountId) => {
      await store.addToSet(customerId, accountId).catch(reported);
    },
    revalidate,
    mayLookUp: async (customerId, id) => {
      const misses = await store.misses(customerId, id).catch(reported);
      if (misses?.remembered) return "remembered";
      // Checked and counted in one turn of the event loop: no other lookup can pass in between.
      const inFlight = lookingUp.get(customerId) ?? 0;
      if ((misses?.count ?? 0) + inFlight >= MISS_BUDGET) return "over-budget";
      lookingUp.set(customerId, inFlight + 1);
      return "ok";
    },
    lookUpEnded: (customerId) => {
      const left = (lookingUp.get(customerId) ?? 1) - 1;
      if (left > 0) lookingUp.set(customerId, left);
      else lookingUp.delete(customerId);
    },
    noteMiss: async (customerId, id) => {
      await store.noteMiss(customerId, id, MISS_TTL_MS, 60_000).catch(reported);
    },
    accounts: (customerId, load, refresh = false) =>
      inSpan("read_model lookup", { [ATTR.readModelKind]: "accounts" }, async (span) => {
        const loadAndStore = async () => {
          const checkedAt = now();
          const accounts = await load();
          await store.putAccounts(customerId, accounts, checkedAt, refresh).catch(reported);
          return accounts.map((account) => markChecked(account, checkedAt));
        };
        if (refresh) {
          span.setAttribute(ATTR.readModelOutcome, "refresh");
          return loadAndStore();
        }
        const stored = await store.accounts(customerId).catch(reported);
        if (stored !== undefined) {
          const outcome = outcomeOf(oldestOf(stored));
          span.setAttribute(ATTR.readModelOutcome, outcome);
          listener.lookup?.("accounts", outcome);
          if (outcome === "stale") revalidate("accounts", `accounts:${customerId}`, loadAndStore);
          return newestFirst(stored.map((entry) => markChecked(entry.object, entry.checkedAt)));
        }
        span.setAttribute(ATTR.readModelOutcome, "miss");
        listener.lookup?.("accounts", "miss");
        return once(`accounts:${customerId}`, loadAndStore);
      }),
  };
}
