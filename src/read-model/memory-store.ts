import { LRUCache } from "lru-cache";
import type { StripeAccount } from "../stripe/wire-types.js";
import type { ReadModelStore, Stored, StoredKind, StoredObjects } from "./store.js";

/**
 * One stored object: a deep-frozen copy made through JSON when it is written (so it holds what
 * JSON holds, as a store out of process would), shared by every reader. No caller can change what
 * another one reads (a write to it throws), and a read parses nothing: a warm dashboard reads
 * every account of the customer on each request.
 */
interface Entry {
  object: unknown;
  checkedAt: number;
}

/** Freezes `value` and everything it holds; returns it. */
function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
  }
  return value;
}

/**
 * The read model of one instance, in memory: bounded (the least recently used customers' objects
 * go first when full; a customer whose set lost an account is loaded again).
 */
export function inMemoryReadModelStore(maxEntries = 200_000): ReadModelStore {
  const objects = new LRUCache<string, Entry>({ max: maxEntries });
  // Each customer's account set, with the `checkedAt` of the list it came from.
  const sets = new LRUCache<string, { ids: Set<string>; checkedAt: number }>({
    max: Math.max(1, Math.floor(maxEntries / 10)),
  });
  const meta = new Map<string, string>();
  // Keyed by ids clients sent: bounded in bytes too (2 per character of the key, plus the entry).
  const missedIds = new LRUCache<string, true>({
    max: 100_000,
    maxSize: 16 * 1024 * 1024,
    sizeCalculation: (_value, key) => 2 * key.length + 64,
  });
  const missWindows = new LRUCache<string, { count: number; until: number }>({ max: 100_000 });
  const leases = new Map<string, { owner: string; until: number }>();
  const keyOf = (kind: StoredKind, customerId: string, id: string) => `${kind}:${customerId}:${id}`;
  const read = <T>(key: string): Stored<T> | undefined => {
    const entry = objects.get(key);
    return entry && { object: entry.object as T, checkedAt: entry.checkedAt };
  };
  const write = (key: string, object: unknown, checkedAt: number, replace = false): boolean => {
    const current = objects.get(key);
    if (!replace && current !== undefined && current.checkedAt > checkedAt) return false;
    objects.set(key, { object: deepFreeze(JSON.parse(JSON.stringify(object))), checkedAt });
    return true;
  };
  const accountsOf = (customerId: string): Stored<StripeAccount>[] | undefined => {
    const ids = sets.get(customerId)?.ids;
    if (ids === undefined) return undefined;
    const accounts: Stored<StripeAccount>[] = [];
    for (const id of ids) {
      const stored = read<StripeAccount>(keyOf("account", customerId, id));
      if (stored === undefined) return undefined;
      accounts.push(stored);
    }
    return accounts;
  };
  return {
    get: async <K extends StoredKind>(kind: K, customerId: string, id: string) =>
      read<StoredObjects[K]>(keyOf(kind, customerId, id)),
    peek: <K extends StoredKind>(kind: K, customerId: string, id: string) =>
      read<StoredObjects[K]>(keyOf(kind, customerId, id)),
    put: async (kind, customerId, object, checkedAt, replace) =>
      write(keyOf(kind, customerId, object.id), object, checkedAt, replace),
    accounts: async (customerId) => accountsOf(customerId),
    peekAccounts: accountsOf,
    putAccounts: async (customerId, accounts, checkedAt, replace) => {
      for (const account of accounts)
        write(keyOf("account", customerId, account.id), account, checkedAt, replace);
      // Newer wins for the set too (a list older than the stored one's leaves the set as it is),
      // unless `replace` (Stripe's answer to a `refresh: true` read).
      const current = sets.get(customerId);
      if (!replace && current !== undefined && current.checkedAt > checkedAt) return;
      sets.set(customerId, { ids: new Set(accounts.map((account) => account.id)), checkedAt });
    },
    addToSet: async (customerId, accountId) => {
      sets.get(customerId)?.ids.add(accountId);
    },
    noteMiss: async (customerId, id, ttlMs, windowMs) => {
      missedIds.set(keyOf("account", customerId, id), true, { ttl: ttlMs });
      const now = Date.now();
      const window = missWindows.get(customerId);
      const current =
        window === undefined || window.until <= now ? { count: 0, until: now + windowMs } : window;
      current.count += 1;
      missWindows.set(customerId, current);
      return current.count;
    },
    misses: async (customerId, id) => {
      const window = missWindows.get(customerId);
      return {
        remembered: missedIds.get(keyOf("account", customerId, id)) === true,
        count: window === undefined || window.until <= Date.now() ? 0 : window.count,
      };
    },
    getMeta: async (name) => meta.get(name),
    setMeta: async (name, value) => {
      meta.set(name, value);
    },
    lease: async (name, owner, ttlMs) => {
      const now = Date.now();
      const held = leases.get(name);
      if (held !== undefined && held.owner !== owner && held.until > now) return false;
      leases.set(name, { owner, until: now + ttlMs });
      return true;
    },
    clear: async () => {
      objects.clear();
      sets.clear();
      meta.clear();
      leases.clear();
      missedIds.clear();
      missWindows.clear();
    },
    close: async () => {},
  };
}
