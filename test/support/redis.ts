import { Redis } from "ioredis";

/** The Redis the tests use: the machine's (CI starts it when it is not running). */
export const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

/** True when Redis answers PING within a second. */
export async function redisReachable(): Promise<boolean> {
  const probe = new Redis(REDIS_URL, {
    lazyConnect: true,
    connectTimeout: 1_000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  probe.on("error", () => {});
  try {
    await probe.connect();
    return (await probe.ping()) === "PONG";
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
}

/**
 * Whether Redis tests can run here: true when Redis answers; otherwise a loud warning naming
 * `what` is printed and false returned, except in CI, where a missing Redis throws.
 */
export async function redisAvailableFor(what: string): Promise<boolean> {
  if (await redisReachable()) return true;
  if (process.env.CI)
    throw new Error(`CI requires Redis at ${REDIS_URL} (${what}), and it is not reachable.`);
  console.warn(`\n!!! SKIPPING ${what}: no Redis at ${REDIS_URL}. They run in CI. !!!\n`);
  return false;
}
