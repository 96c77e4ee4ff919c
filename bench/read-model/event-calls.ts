import { setTimeout as sleep } from "node:timers/promises";
import { type Client, createClient } from "graphql-ws";
import WebSocket from "ws";
import { signToken } from "../../src/auth/sign-token.js";
import { loadConfig } from "../../src/config/config.js";
import { createLogger } from "../../src/observability/logger.js";
import { startSandbox } from "../../src/sandbox/server.js";
import { startGateway } from "../../src/server/gateway.js";
import { sandboxControl } from "../sandbox-control.js";

/** Subscriptions on one socket, each selecting the event's account and its authorization. */
const SUBSCRIBERS = 20;
/** Events measured per state (warm, cold); the figure is the largest. */
const ROUNDS = 5;
const SUBSCRIPTION = `subscription { accountDeactivated { eventId account { id status authorization { id status } } } }`;

/** Stripe calls of one lifecycle event's handling and delivery, with its bound. */
export interface EventCallsRun {
  /** Stripe calls per event, each round. */
  calls: number[];
  /** The largest of them. */
  max: number;
}

/** What the section measured (the `eventCalls` part of bench/results/latest.json). */
export interface EventCallsResults {
  subscribers: number;
  /** Read model warm: the customer's dashboard was read before. */
  warm: EventCallsRun;
  /** Read model cold: nothing of the customer stored. */
  cold: EventCallsRun;
  /** Distinct authorizations one event touches (the event's account's). */
  authorizationsTouched: number;
  /** 1 (the account's re-read, when its order against the stored copy is unsure) + authorizations touched. */
  bound: number;
}

/**
 * Stripe calls per lifecycle event: a sandbox delivering its webhooks to a gateway, one customer
 * per round (one account on one authorization) with SUBSCRIBERS subscriptions on one socket
 * selecting `account { authorization { id status } }`; one account deactivation (one
 * `deactivated` event, touching one authorization), counted by the sandbox from the control
 * call until every subscription received the event and the sandbox saw the webhook
 * acknowledged. Warm: the customer's dashboard was read first; cold: the read model emptied.
 */
export async function runEventCallsSection(
  progress: (message: string) => void,
): Promise<EventCallsResults> {
  const config = loadConfig({
    STRIPE_MAX_RETRIES: "0",
    LOG_LEVEL: "silent",
    STRIPE_RATE_LIMIT_PER_SECOND: "10000",
    RATE_LIMIT_COST_PER_MINUTE: "100000000",
    WS_MAX_SUBSCRIPTIONS_PER_SOCKET: String(SUBSCRIBERS),
    EVENT_SWEEP_INTERVAL_S: "3600",
  });
  const sandbox = await startSandbox({ port: 0, webhookSecret: config.webhookSecrets[0] });
  const gateway = await startGateway({
    config,
    logger: createLogger("silent"),
    stripeApiBase: sandbox.url,
    port: 0,
  }).catch(async (error: unknown) => {
    await sandbox.close();
    throw error;
  });
  sandbox.setWebhookUrls([`${gateway.url}/webhooks/stripe`]);
  const control = sandboxControl(sandbox.url);
  const tokenFor = (customerId: string) => signToken(config.auth, { customerId, ttlSeconds: 3600 });

  const round = async (warm: boolean): Promise<number> => {
    const customer = await control.createCustomer(1, 1);
    const accountId = customer.accounts[0] ?? "";
    await untilNoDeliveryPending(sandbox.url);
    if (warm) {
      const response = await fetch(`${gateway.url}/graphql`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          authorization: `Bearer ${await tokenFor(customer.id)}`,
        },
        body: JSON.stringify({
          query: "{ accounts { nodes { id authorization { id status } } } }",
        }),
      });
      if (!response.ok) throw new Error(`the warm-up dashboard answered ${response.status}`);
    } else {
      await gateway.readModel.store.clear();
    }
    const client = createClient({
      url: `${gateway.url.replace(/^http/, "ws")}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${await tokenFor(customer.id)}` },
      retryAttempts: 0,
    });
    try {
      const received = subscribeAll(client, SUBSCRIBERS);
      while (gateway.accountEvents.fanout.subscribersOf(customer.id) < SUBSCRIBERS) await sleep(5);
      await control.resetRequests();
      await postJson(`${sandbox.url}/_sandbox/accounts/${accountId}/deactivate`, {
        cause: "account_closed",
        action: "none",
      });
      await received;
      await untilNoDeliveryPending(sandbox.url);
      return (await control.requestCounts()).total;
    } finally {
      await client.dispose();
    }
  };

  try {
    const measure = async (warm: boolean): Promise<EventCallsRun> => {
      progress(`event calls: ${ROUNDS} deactivations, ${warm ? "warm" : "cold"} read model`);
      const calls: number[] = [];
      for (let index = 0; index < ROUNDS; index += 1) calls.push(await round(warm));
      return { calls, max: Math.max(...calls) };
    };
    const warm = await measure(true);
    const cold = await measure(false);
    return { subscribers: SUBSCRIBERS, warm, cold, authorizationsTouched: 1, bound: 2 };
  } finally {
    await gateway.close();
    await sandbox.close();
  }
}

/** Subscribes `count` times on `client`; resolves when each got one event, rejects on an error. */
function subscribeAll(client: Client, count: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let left = count;
    for (let index = 0; index < count; index += 1) {
      let done = false;
      client.subscribe(
        { query: SUBSCRIPTION },
        {
          next: (result) => {
            if (result.errors) reject(new Error(JSON.stringify(result.errors)));
            if (done) return;
            done = true;
            left -= 1;
            if (left === 0) resolve();
          },
          error: (error) => reject(error instanceof Error ? error : new Error(String(error))),
          complete: () => {},
        },
      );
    }
  });
}

async function postJson(url: string, body: unknown): Promise<void> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`POST ${url} answered ${response.status}`);
}

/** Waits until the sandbox has no webhook delivery pending (every event acknowledged or given up). */
async function untilNoDeliveryPending(sandboxUrl: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const response = await fetch(`${sandboxUrl}/_sandbox/events`);
    const logged = (await response.json()) as { data: { deliveries: { status: string }[] }[] };
    const pending = logged.data.some((event) =>
      event.deliveries.some((delivery) => delivery.status === "pending"),
    );
    if (!pending) return;
    if (Date.now() > deadline) throw new Error("webhook deliveries still pending after 10 s");
    await sleep(10);
  }
}

/** The section as printed on stdout. */
export function formatEventCallsReport(results: EventCallsResults): string {
  const verdict = (run: EventCallsRun) =>
    `${run.max} (rounds: ${run.calls.join(", ")}) ${run.max <= results.bound ? "<=" : "EXCEEDS"} bound ${results.bound}`;
  return [
    `Stripe calls per lifecycle event (one deactivation, ${results.subscribers} subscribers on one socket selecting its authorization; bound 1 + ${results.authorizationsTouched} authorization touched = ${results.bound})`,
    `  warm read model: ${verdict(results.warm)}`,
    `  cold read model: ${verdict(results.cold)}`,
  ].join("\n");
}
