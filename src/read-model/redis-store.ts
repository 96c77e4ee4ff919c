import type { Redis } from "ioredis";
import { connectRedis } from "../redis/connection.js";
import type { StripeAccount } from "../stripe/wire-types.js";
import type { ReadModelStore, Stored, StoredKind } from "./store.js";

/** How long a stored object (or set) stays without being written again: a week. */
export const READ_MODEL_TTL_MS = 7 * 24 * 60 * 60 * 1000;

/**
 * Newer wins: writes unless the stored `checkedAt` is later (ARGV[4] '1': writes whatever is
 * stored). KEYS[1]; ARGV checkedAt, json, ttl, replace.
 */
const PUT_SCRIPT = `
local current = redis.call('HGET', KEYS[1], 'checkedAt')
if ARGV[4] ~= '1' and current and tonumber(current) > tonumber(ARGV[1]) then return 0 end
redis.call('HSET', KEYS[1], 'checkedAt', ARGV[1], 'json', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1`;

/**
 * Adds ARGV[1] to the set KEYS[1] (before the listed ones: newest first) only when the set is
 * loaded (marker KEYS[2] exists).
 */
const ADD_SCRIPT = `
if redis.call('EXISTS', KEYS[2]) == 0 then return 0 end
redis.call('ZADD', KEYS[1], 'NX', -1, ARGV[1])
return 1`;

/**
 * Newer wins for the account set: replaces the set KEYS[1] with the list's ids unless its marker
 * KEYS[2] holds a later `checkedAt` (ARGV[3] '1': whatever it holds); the marker then holds the
 * list's. ARGV: checkedAt, ttl, replace, then score and id pairs (Stripe's list order).
 */
const SET_SCRIPT = `
local current = tonumber(redis.call('GET', KEYS[2]))
if ARGV[3] ~= '1' and current and current > tonumber(ARGV[1]) then return 0 end
redis.call('DEL', KEYS[1])
if #ARGV > 3 then
  redis.call('ZADD', KEYS[1], unpack(ARGV, 4))
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[2])
return 1`;

/** Counts one more miss in the window KEYS[1] (ARGV[1] ms from its first miss); returns the count. */
const MISS_SCRIPT = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return count`;

/** Takes the lease KEYS[1] for ARGV[1] (owner) for ARGV[2] ms when free or already ARGV[1]'s. */
const LEASE_SCRIPT = `
local holder = redis.call('GET', KEYS[1])
if holder and holder ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1`;

/**
 * The read model shared by every instance on one Redis. Keys are
 * `<prefix>:read-model:<customer>:<kind>:<id>` (a hash of `checkedAt` and `json`), the customer's
 * set `<prefix>:read-model:<customer>:account-set` (a sorted set in Stripe's list order) with its
 * marker `…:account-set-loaded` (holding the `checkedAt` of the list the set came from); the
 * customer and the id are URI-encoded, so no id can reach another customer's keys. Commands fail
 * fast while Redis is down (see connectRedis): every method then rejects.
 */
export async function redisReadModelStore(url: string, prefix: string): Promise<ReadModelStore> {
  const redis: Redis = await connectRedis(url);
  const root = `${prefix}:read-model`;
  const customerRoot = (customerId: string) => `${root}:${encodeURIComponent(customerId)}`;
  const objectKey = (kind: StoredKind, customerId: string, id: string) =>
    `${customerRoot(customerId)}:${kind}:${encodeURIComponent(id)}`;
  const setKey = (customerId: string) => `${customerRoot(customerId)}:account-set`;
  const loadedKey = (customerId: string) => `${customerRoot(customerId)}:account-set-loaded`;
  const metaKey = (name: string) => `${prefix}:read-model-meta:${name}`;
  const parse = <T>(hash: Record<string, string> | null): Stored<T> | undefined =>
    hash?.json === undefined || hash.checkedAt === undefined
      ? undefined
      : { object: JSON.parse(hash.json) as T, checkedAt: Number(hash.checkedAt) };
  const put = async (key: string, object: unknown, checkedAt: number, replace = false) =>
    (await redis.eval(
      PUT_SCRIPT,
      1,
      key,
      String(checkedAt),
      JSON.stringify(object),
      String(READ_MODEL_TTL_MS),
      replace ? "1" : "0",
    )) === 1;

  return {
    get: async (kind, customerId, id) =>
      parse(await redis.hgetall(objectKey(kind, customerId, id))),
    put: (kind, customerId, object, checkedAt, replace) =>
      put(objectKey(kind, customerId, object.id), object, checkedAt, replace),
    accounts: async (customerId) => {
      const [loaded, ids] = await Promise.all([
        redis.exists(loadedKey(customerId)),
        redis.zrange(setKey(customerId), "0", "-1"),
      ]);
      if (loaded === 0) return undefined;
      const pipeline = redis.pipeline();
      for (const id of ids) pipeline.hgetall(objectKey("account", customerId, id));
      const answers = (await pipeline.exec()) ?? [];
      const accounts: Stored<StripeAccount>[] = [];
      for (const [error, hash] of answers) {
        if (error) throw error;
        const stored = parse<StripeAccount>(hash as Record<string, string>);
        if (stored === undefined) return undefined;
        accounts.push(stored);
      }
      return accounts;
    },
    putAccounts: async (customerId, accounts, checkedAt, replace) => {
      for (const account of accounts)
        await put(objectKey("account", customerId, account.id), account, checkedAt, replace);
      await redis.eval(
        SET_SCRIPT,
        2,
        setKey(customerId),
        loadedKey(customerId),
        String(checkedAt),
        READ_MODEL_TTL_MS,
        replace === true ? "1" : "0",
        ...accounts.flatMap((account, index) => [String(index), account.id]),
      );
    },
    addToSet: async (customerId, accountId) => {
      await redis.eval(ADD_SCRIPT, 2, setKey(customerId), loadedKey(customerId), accountId);
    },
    noteMiss: async (customerId, id, ttlMs, windowMs) => {
      await redis.set(
        `${customerRoot(customerId)}:miss:${encodeURIComponent(id)}`,
        "1",
        "PX",
        ttlMs,
      );
      return Number(
        await redis.eval(
          MISS_SCRIPT,
          1,
          `${customerRoot(customerId)}:miss-window`,
          String(windowMs),
        ),
      );
    },
    misses: async (customerId, id) => {
      const [remembered, count] = await Promise.all([
        redis.exists(`${customerRoot(customerId)}:miss:${encodeURIComponent(id)}`),
        redis.get(`${customerRoot(customerId)}:miss-window`),
      ]);
      return { remembered: remembered === 1, count: Number(count ?? 0) };
    },
    getMeta: async (name) => (await redis.get(metaKey(name))) ?? undefined,
    setMeta: async (name, value) => {
      await redis.set(metaKey(name), value);
    },
    lease: async (name, owner, ttlMs) =>
      (await redis.eval(LEASE_SCRIPT, 1, metaKey(`lease:${name}`), owner, String(ttlMs))) === 1,
    clear: async () => {
      for (const pattern of [`${root}:*`, `${prefix}:read-model-meta:*`]) {
        let cursor = "0";
        do {
          const [next, keys] = await redis.scan(cursor, "MATCH", pattern, "COUNT", 1000);
          if (keys.length > 0) await redis.del(...keys);
          cursor = next;
        } while (cursor !== "0");
      }
    },
    close: async () => {
      redis.disconnect();
    },
  };
}
