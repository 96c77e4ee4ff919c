import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import type { Client } from "graphql-ws";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { accountEventsChannel } from "../../src/pubsub/redis-bus.js";
import { SANDBOX_DEV_API_KEY } from "../../src/shared/sandbox-defaults.js";
import { graphql, startStack, type TestStack } from "../support/gateway.js";
import { type Feed, feed, liveClient, receivedBefore, registered } from "../support/live.js";
import { freePort } from "../support/redis-server.js";
import { control, createCustomer, type SandboxCustomer } from "../support/sandbox-control.js";
import { eventually, waitFor } from "../support/wait.js";
import { accountEvent, deliverSigned } from "../support/webhook.js";

const hasRedisServer = (() => {
  try {
    execFileSync("redis-server", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();
if (!hasRedisServer) {
  if (process.env.CI)
    throw new Error("CI requires the redis-server binary for the Redis restart test.");
  console.warn(
    "\n!!! SKIPPING the Redis restart test: no redis-server binary on this machine. !!!\n",
  );
}

/** Starts a throwaway redis-server of our own (never the shared one) and waits until it answers. */
async function startRedis(port: number): Promise<ChildProcess> {
  const child = spawn(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
    {
      stdio: "ignore",
    },
  );
  const probe = new Redis(port, "127.0.0.1", {
    lazyConnect: true,
    retryStrategy: () => 50,
    maxRetriesPerRequest: 0,
  });
  probe.on("error", () => {});
  probe.connect().catch(() => {});
  await eventually(() => probe.status === "ready", 10_000, "redis-server to start");
  probe.disconnect();
  return child;
}

/** How many connections of the Redis on `port` listen on `channel` (PUBSUB NUMSUB). */
async function listenersOn(port: number, channel: string): Promise<number> {
  const probe = new Redis(port, "127.0.0.1", { lazyConnect: true, maxRetriesPerRequest: 0 });
  probe.on("error", () => {});
  try {
    await probe.connect();
    const [, count] = (await probe.pubsub("NUMSUB", channel)) as [string, number];
    return Number(count);
  } catch {
    return 0;
  } finally {
    probe.disconnect();
  }
}

describe.skipIf(!hasRedisServer)("a Redis restart", () => {
  let port: number;
  let redis: ChildProcess;
  let stack: TestStack;
  let owner: SandboxCustomer;
  let client: Client;
  let live: Feed<{ accountDeactivated: { eventId: string } }>;

  beforeAll(async () => {
    port = await freePort();
    redis = await startRedis(port);
    stack = await startStack({
      env: { REDIS_URL: `redis://127.0.0.1:${port}`, REDIS_KEY_PREFIX: `restart-${randomUUID()}` },
    });
    stack.sandbox.setWebhookUrls([]);
    owner = await createCustomer(stack, 1, 1);
    client = await liveClient(stack, owner.id);
    live = await registered(stack.gateway, owner.id, () =>
      feed(client, "subscription { accountDeactivated { eventId } }"),
    );
  }, 30_000);
  afterAll(async () => {
    await client?.dispose();
    await stack?.close();
    redis?.kill("SIGKILL");
  });

  /** The Stripe event id an `accountDeactivated { eventId }` result carries. */
  const eventIdOf = (event: Record<string, unknown>) =>
    (event.accountDeactivated as { eventId?: string } | undefined)?.eventId;
  /** The id of a Stripe event payload. */
  const idOf = (payload: string) => (JSON.parse(payload) as { id: string }).id;

  it("keeps queries working, answers webhooks 5xx while down, and delivers Stripe's retry once Redis is back", async () => {
    const accountId = owner.accounts[0] as string;
    await control(stack, "POST", `/_sandbox/accounts/${accountId}/deactivate`, {});
    const account = await (
      await fetch(`${stack.sandbox.url}/v1/financial_connections/accounts/${accountId}`, {
        headers: { authorization: `Bearer ${SANDBOX_DEV_API_KEY}` },
      })
    ).json();
    const payload = accountEvent(
      "financial_connections.account.deactivated",
      account as Record<string, unknown>,
    );

    redis.kill("SIGKILL");
    await new Promise((resolve) => redis.once("exit", resolve));

    const refused = await deliverSigned(stack, payload);
    expect(refused.status).toBeGreaterThanOrEqual(500);
    const query = await graphql(stack, "{ accounts { nodes { id status } } }", {}, owner.id);
    expect(query.status).toBe(200);
    expect(query.errors).toBeUndefined();

    redis = await startRedis(port);
    // The gateway's Redis clients reconnect and resubscribe: the event bus is ready again and its
    // listener back on the channel, so a published event reaches the subscriber.
    const channel = accountEventsChannel(stack.config.redisKeyPrefix);
    await waitFor(
      async () =>
        (await stack.gateway.accountEvents.healthy()) && (await listenersOn(port, channel)) >= 1
          ? true
          : undefined,
      "the gateway's Redis bus to reconnect and listen again",
      15_000,
    );
    // Stripe retries until the gateway accepts: its other Redis connections (event dedupe)
    // reconnect on their own schedule, and it answers 5xx until they are back.
    const accepted = await waitFor(
      async () => {
        const answer = await deliverSigned(stack, payload);
        return answer.status === 200 ? answer : undefined;
      },
      "Stripe's retry to be accepted",
      15_000,
      100,
    );
    expect(accepted).toMatchObject({ status: 200, body: { outcome: "published" } });
    // A later event is a sentinel: events reach the subscriber in the order they were published,
    // so once it arrived, everything the outage and the retries published is in front of it.
    const sentinel = accountEvent(
      "financial_connections.account.deactivated",
      account as Record<string, unknown>,
    );
    expect(await deliverSigned(stack, sentinel)).toMatchObject({
      status: 200,
      body: { outcome: "published" },
    });
    const before = await receivedBefore(
      live,
      (event) => eventIdOf(event) === idOf(sentinel),
      "the sentinel event after the restart",
      10_000,
    );
    // The refused delivery and the retries that were answered 5xx published nothing; the
    // accepted one published exactly once.
    expect(before.map(eventIdOf)).toEqual([idOf(payload)]);
  }, 60_000);
});
