import type { StripeAccount, StripeAuthorization } from "../stripe/wire-types.js";

/** The kinds of object the read model keeps. */
export type StoredKind = "account" | "authorization";

/** The object type of each stored kind. */
export interface StoredObjects {
  account: StripeAccount;
  authorization: StripeAuthorization;
}

/**
 * One stored Stripe object with `checkedAt`: when the gateway last saw Stripe's state of it
 * (milliseconds since the epoch; for a read, the moment the read was sent, so a state is never
 * dated later than Stripe had it).
 */
export interface Stored<T> {
  object: T;
  checkedAt: number;
}

/**
 * The read model's storage: each customer's accounts and authorizations, and the set of account
 * ids a full list of the customer returned. Every key names the customer: nothing of one customer
 * is reachable through another's. Writes are "newer wins": a write whose `checkedAt` is older
 * than the stored one's leaves the stored object as it is, so an older state never overwrites a
 * newer one whatever order writes arrive in. Every method rejects when the storage cannot be
 * reached (Redis down); callers fall back to Stripe.
 */
export interface ReadModelStore {
  /** The stored object, or undefined. */
  get<K extends StoredKind>(
    kind: K,
    customerId: string,
    id: string,
  ): Promise<Stored<StoredObjects[K]> | undefined>;
  /**
   * What `get` would answer, at once: only a store in the process has it (a store out of process,
   * Redis, answers through `get` alone). Never rejects.
   */
  peek?<K extends StoredKind>(
    kind: K,
    customerId: string,
    id: string,
  ): Stored<StoredObjects[K]> | undefined;
  /**
   * Stores the object unless a newer state is stored (with `replace`, whatever is stored: Stripe's
   * answer to a `refresh: true` read); resolves true when it was written.
   */
  put<K extends StoredKind>(
    kind: K,
    customerId: string,
    object: StoredObjects[K],
    checkedAt: number,
    replace?: boolean,
  ): Promise<boolean>;
  /**
   * The customer's accounts when a full list was loaded (in the list's order, added ones after or
   * before; callers sort by `created`), else undefined.
   * An id of the set whose object is missing makes the set unusable (undefined: load again).
   */
  accounts(customerId: string): Promise<Stored<StripeAccount>[] | undefined>;
  /** What `accounts` would answer, at once: only a store in the process has it. Never rejects. */
  peekAccounts?(customerId: string): Stored<StripeAccount>[] | undefined;
  /**
   * Records a full list of the customer's accounts: each account, and the set unless the stored
   * set came from a later list (newer wins for both; with `replace`, as `put` with it, the set too).
   */
  putAccounts(
    customerId: string,
    accounts: StripeAccount[],
    checkedAt: number,
    replace?: boolean,
  ): Promise<void>;
  /** Adds one account id to the customer's set when the set is loaded (a newly linked account). */
  addToSet(customerId: string, accountId: string): Promise<void>;
  /**
   * Remembers for `ttlMs` that `id` is not an object of the customer's (Stripe has no such object,
   * or another customer holds it), and counts it among the customer's misses of the current
   * window of `windowMs`; resolves with that count.
   */
  noteMiss(customerId: string, id: string, ttlMs: number, windowMs: number): Promise<number>;
  /** Whether `id` is a remembered miss of the customer, and the customer's misses in the window. */
  misses(customerId: string, id: string): Promise<{ remembered: boolean; count: number }>;
  /** A named value of the read model's own (the event sweep's cursor). */
  getMeta(name: string): Promise<string | undefined>;
  setMeta(name: string, value: string): Promise<void>;
  /**
   * Takes a lease named `name` for `ttlMs` when nobody holds it (or `owner` already does):
   * true when `owner` holds it now. Used so one instance sweeps at a time.
   */
  lease(name: string, owner: string, ttlMs: number): Promise<boolean>;
  /** Forgets everything stored (tests, and the cost-coverage probe). */
  clear(): Promise<void>;
  close(): Promise<void>;
}
