import { randomUUID } from "node:crypto";
import type { Client } from "graphql-ws";
import { createClient } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import type { GatewayHandle } from "../../src/server/gateway.js";
import { SANDBOX_DEV_API_KEY } from "../../src/shared/sandbox-defaults.js";
import { startAnotherGateway, startStack, type TestStack, tokenFor } from "../support/gateway.js";
import { feed, receivedBefore, registered } from "../support/live.js";
import { REDIS_URL, redisAvailableFor } from "../support/redis.js";
import {
  acknowledged,
  type ControlResult,
  control,
  createCustomer,
} from "../support/sandbox-control.js";
import { eventually } from "../support/wait.js";
import { accountEvent, deliver, signatureFor } from "../support/webhook.js";

const reachable = await redisAvailableFor("the Redis scale-out tests");

describe.skipIf(!reachable)("two gateway instances sharing the machine's real Redis", () => {
  // A prefix of our own, so parallel runs on one Redis never see each other's events.
  const env = { REDIS_URL, REDIS_KEY_PREFIX: `test-${randomUUID()}` };
  let stack: TestStack;
  let second: GatewayHandle;
  const clients: Client[] = [];

  beforeAll(async () => {
    stack = await startStack({ env });
    second = await startAnotherGateway(stack, env);
    // The sandbox (Stripe) delivers to instance 1 only; subscribers connect to instance 2.
    stack.sandbox.setWebhookUrls([`${stack.gateway.url}/webhooks/stripe`]);
  });
  afterAll(async () => {
    await Promise.all(clients.map((client) => client.dispose()));
    await second.close();
    await stack.close();
  });

  async function subscribeOnSecond(customer: string) {
    const client = createClient({
      url: `${second.url.replace("http", "ws")}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${await tokenFor(stack, customer)}` },
      retryAttempts: 0,
    });
    clients.push(client);
    return registered(second, customer, () =>
      feed<{ accountDeactivated: { eventId: string; account: { id: string } } }>(
        client,
        "subscription { accountDeactivated { eventId account { id status } } }",
      ),
    );
  }

  async function rawAccount(accountId: string): Promise<Record<string, unknown>> {
    const response = await fetch(
      `${stack.sandbox.url}/v1/financial_connections/accounts/${accountId}`,
      { headers: { authorization: `Bearer ${SANDBOX_DEV_API_KEY}` } },
    );
    return (await response.json()) as Record<string, unknown>;
  }

  /**
   * Delivers a new deactivated event of the (inactive) account to `url`, published after
   * everything before it, and returns its id: a sentinel for `receivedBefore`.
   */
  async function freshDeactivation(url: string, accountId: string): Promise<string> {
    const payload = accountEvent(
      "financial_connections.account.deactivated",
      await rawAccount(accountId),
    );
    const answer = await deliver(
      url,
      payload,
      signatureFor(payload, stack.config.webhookSecrets[0] ?? ""),
    );
    expect(answer.body.outcome).toBe("published");
    return (JSON.parse(payload) as { id: string }).id;
  }

  it("a webhook received by instance 1 reaches a subscriber on instance 2, once", async () => {
    const owner = await createCustomer(stack, 1, 1);
    const [accountId] = owner.accounts as [string];
    const live = await subscribeOnSecond(owner.id);
    const answer = await control<ControlResult>(
      stack,
      "POST",
      `/_sandbox/accounts/${accountId}/deactivate`,
      {},
    );
    await eventually(() => live.events.length === 1, 5_000, "the event on instance 2");
    // Acknowledged: handled by instance 1 and never retried. A later event through the same
    // Redis channel shows by its order that no second copy came before it.
    await acknowledged(stack, answer.events[0] ?? "");
    const sentinel = await freshDeactivation(stack.gateway.url, accountId);
    const received = await receivedBefore(
      live,
      (data) => data.accountDeactivated.eventId === sentinel,
      "the later event on instance 2",
    );
    expect(received).toHaveLength(1);
    expect(received[0]?.accountDeactivated.account.id).toBe(accountId);
  });

  it("a createRelinkSession retried on the other instance returns the same session", async () => {
    const owner = await createCustomer(stack, 1, 1);
    const [accountId] = owner.accounts as [string];
    const token = await tokenFor(stack, owner.id);
    const create = async (url: string) => {
      const response = await fetch(`${url}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
        body: JSON.stringify({
          query:
            "mutation($input: CreateRelinkSessionInput!) { createRelinkSession(input: $input) { relinkSession { id } userErrors { code } } }",
          variables: { input: { accountId, permissions: ["BALANCES"] } },
        }),
      });
      const body = (await response.json()) as {
        data: {
          createRelinkSession: { relinkSession: { id: string } | null; userErrors: unknown[] };
        };
      };
      return body.data.createRelinkSession;
    };
    const first = await create(stack.gateway.url);
    const retried = await create(second.url);
    expect(first.userErrors).toEqual([]);
    expect(first.relinkSession?.id).toMatch(/^fcsess_/);
    expect(retried.relinkSession?.id).toBe(first.relinkSession?.id);
  });

  it("the same event delivered to both instances (concurrently) produces one message", async () => {
    const owner = await createCustomer(stack, 1, 1);
    const [accountId] = owner.accounts as [string];
    stack.sandbox.setWebhookUrls([]);
    await control(stack, "POST", `/_sandbox/accounts/${accountId}/deactivate`, {});
    stack.sandbox.setWebhookUrls([`${stack.gateway.url}/webhooks/stripe`]);
    const live = await subscribeOnSecond(owner.id);
    const payload = accountEvent(
      "financial_connections.account.deactivated",
      await rawAccount(accountId),
    );
    const secret = stack.config.webhookSecrets[0] ?? "";
    const answers = await Promise.all(
      [stack.gateway.url, second.url, stack.gateway.url, second.url].map((url) =>
        deliver(url, payload, signatureFor(payload, secret)),
      ),
    );
    expect(answers.filter((answer) => answer.body.outcome === "published")).toHaveLength(1);
    await eventually(() => live.events.length === 1, 5_000, "the one message");
    const late = await Promise.all(
      [stack.gateway.url, second.url].map((url) =>
        deliver(url, payload, signatureFor(payload, secret)),
      ),
    );
    expect(late.map((answer) => answer.body.outcome)).toEqual(["duplicate", "duplicate"]);
    const sentinel = await freshDeactivation(second.url, accountId);
    const received = await receivedBefore(
      live,
      (data) => data.accountDeactivated.eventId === sentinel,
      "the later event",
    );
    expect(received).toHaveLength(1);
  });
});
