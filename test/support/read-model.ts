import { randomUUID } from "node:crypto";
import { inMemoryReadModelStore } from "../../src/read-model/memory-store.js";
import { redisReadModelStore } from "../../src/read-model/redis-store.js";
import type { ReadModelStore } from "../../src/read-model/store.js";
import type { TestStack } from "./gateway.js";
import { REDIS_URL } from "./redis.js";
import { controlOf, type SandboxCustomer } from "./sandbox-control.js";

/**
 * Creates a sandbox customer whose creation webhooks (`account.created`) the gateway has
 * acknowledged, then empties the gateway's read model: the customer is cold, and no webhook of
 * its creation is left to land during the test. For tests that count a cold read's Stripe calls.
 */
export async function coldCustomer(
  stack: TestStack,
  accounts: number,
  authorizations: number,
): Promise<SandboxCustomer> {
  const customer = await controlOf(stack).createCustomer({ accounts, authorizations });
  for (const eventId of customer.events ?? []) await controlOf(stack).acknowledged(eventId);
  await stack.gateway.readModel.store.clear();
  return customer;
}

/**
 * The store implementations a store test runs against, for `describe.each`: its name, how to open
 * a fresh one (Redis under a prefix of its own), and whether to skip it (Redis not reachable).
 */
export function storesUnderTest(
  redisReachable: boolean,
): [string, () => Promise<ReadModelStore>, boolean][] {
  return [
    ["in memory", async () => inMemoryReadModelStore(), false],
    ["in Redis", () => redisReadModelStore(REDIS_URL, `test-${randomUUID()}`), !redisReachable],
  ];
}

/**
 * The read models a gateway test runs against, for `describe.each`: its name, the environment
 * that selects it (Redis under a key prefix of its own; nothing for the in-memory one), and
 * whether to skip it (Redis not reachable). The gateway-level twin of `storesUnderTest`.
 */
export function readModelsUnderTest(
  redisReachable: boolean,
): [string, Record<string, string>, boolean][] {
  return [
    ["in memory", {}, false],
    ["in Redis", { REDIS_URL, REDIS_KEY_PREFIX: `test-${randomUUID()}` }, !redisReachable],
  ];
}
