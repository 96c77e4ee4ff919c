import { createClient } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { signToken } from "../../src/auth/sign-token.js";
import { graphql, LogSink, startStack, type TestStack } from "../support/gateway.js";
import { feed, registered } from "../support/live.js";
import {
  acknowledged,
  type ControlResult,
  control,
  seededCustomers,
} from "../support/sandbox-control.js";
import { eventually } from "../support/wait.js";
import { accountEvent, deliver, deliverSigned, signatureFor } from "../support/webhook.js";

/** An explicit Stripe key (the sandbox accepts any sk_test_ key), so the test knows what to look for. */
const STRIPE_KEY = "sk_test_secretsInLogsScenarioKey4242";
const WEBHOOK_SECRET = "whsec_secretsInLogsPrimary0001";
const PREVIOUS_WEBHOOK_SECRET = "whsec_secretsInLogsPrevious0002";
/** A real key refuses the public dev JWT secret: the scenario signs with its own. */
const JWT_SECRET = "a-secrets-in-logs-jwt-secret-of-32-chars-or-more";

const DASHBOARD = `query Dashboard { accounts(first: 100) { nodes { id status
  health { state action } authorization { id status } } } }`;
const BROKEN = `query Broken { accounts(filter: { health: [RELINK_REQUIRED] }) {
  nodes { id authorization { id } } } }`;
const CREATE = `mutation CreateRelink($input: CreateRelinkSessionInput!) {
  createRelinkSession(input: $input) { clientSecret relinkSession { id } userErrors { code } } }`;
const DEACTIVATED = "subscription Live { accountDeactivated { eventId account { id status } } }";

const sink = new LogSink();
let stack: TestStack;
/** Every secret the scenario used or was given: none may appear in any log line. */
const secrets = new Set<string>([STRIPE_KEY, WEBHOOK_SECRET, PREVIOUS_WEBHOOK_SECRET, JWT_SECRET]);

beforeAll(async () => {
  stack = await startStack({
    logSink: sink,
    env: {
      STRIPE_SECRET_KEY: STRIPE_KEY,
      // Two secrets (rotation); the sandbox signs its lifecycle deliveries with the first.
      STRIPE_WEBHOOK_SECRET: `${WEBHOOK_SECRET},${PREVIOUS_WEBHOOK_SECRET}`,
      AUTH_JWT_SECRET: JWT_SECRET,
      RATE_LIMIT_COST_PER_MINUTE: "100000000",
    },
  });
});
afterAll(() => stack.close());

/** A bearer token for `customerId`, remembered as a secret. */
async function bearer(customerId: string, ttlSeconds?: number): Promise<string> {
  const token = await signToken(stack.config.auth, {
    customerId,
    ...(ttlSeconds === undefined ? {} : { ttlSeconds }),
  });
  secrets.add(token);
  return `Bearer ${token}`;
}

const as = (authorization: string) => ({ authorization });

describe("secrets in logs", () => {
  it("a full run at trace level logs operations, webhooks and errors, and none of the secrets", async () => {
    const customers = await seededCustomers(stack);
    // 1. Queries, for every seeded customer, each with its own token.
    let broken: { customer: string; auth: string; account: string; authorization: string } | null =
      null;
    for (const customer of customers) {
      const auth = await bearer(customer.id);
      const dashboard = await graphql(stack, DASHBOARD, {}, undefined, as(auth));
      expect(dashboard.errors).toBeUndefined();
      const found = await graphql<{
        accounts: { nodes: { id: string; authorization: { id: string } }[] };
      }>(stack, BROKEN, {}, undefined, as(auth));
      const node = found.data?.accounts.nodes[0];
      if (broken === null && node) {
        broken = {
          customer: customer.id,
          auth,
          account: node.id,
          authorization: node.authorization.id,
        };
      }
    }
    if (broken === null) throw new Error("the seed has no RELINK_REQUIRED account");

    // 2. Relink: the one payload that carries a client secret.
    for (const input of [
      { accountId: broken.account, permissions: ["BALANCES"] },
      { authorizationId: broken.authorization, permissions: ["BALANCES", "TRANSACTIONS"] },
    ]) {
      const created = await graphql<{ createRelinkSession: { clientSecret: string | null } }>(
        stack,
        CREATE,
        { input },
        undefined,
        as(broken.auth),
      );
      const clientSecret = created.data?.createRelinkSession.clientSecret;
      expect(clientSecret).toMatch(/_secret_/);
      secrets.add(clientSecret as string);
    }

    // 3. A live subscriber receives the webhook of a sandbox lifecycle transition.
    const wsToken = await bearer(broken.customer);
    const client = createClient({
      url: `${stack.gateway.url.replace("http", "ws")}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: wsToken },
      retryAttempts: 0,
      lazy: true,
    });
    const lifecycleEvents: string[] = [];
    try {
      const live = await registered(stack.gateway, broken.customer, () =>
        feed(client, DEACTIVATED),
      );
      const [healthy] =
        (
          await graphql<{ accounts: { nodes: { id: string; status: string }[] } }>(
            stack,
            DASHBOARD,
            {},
            undefined,
            as(broken.auth),
          )
        ).data?.accounts.nodes.filter((account) => account.status === "ACTIVE") ?? [];
      const target = healthy?.id ?? broken.account;
      const reactivated = await control<ControlResult>(
        stack,
        "POST",
        `/_sandbox/accounts/${target}/reactivate`,
      ).catch(() => ({ events: [] }));
      const deactivated = await control<ControlResult>(
        stack,
        "POST",
        `/_sandbox/accounts/${target}/deactivate`,
        {},
      );
      lifecycleEvents.push(...reactivated.events, ...deactivated.events);
      await eventually(() => live.events.length > 0, 5_000, "the deactivation event");
      live.stop();
    } finally {
      await client.dispose();
    }

    // 4. A socket with a bad token, and HTTP requests with bad, expired and foreign tokens.
    const refusedSocket = new WebSocket(
      `${stack.gateway.url.replace("http", "ws")}/graphql`,
      "graphql-transport-ws",
    );
    const badWsToken = "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.badSignatureValue123";
    secrets.add(badWsToken.slice("Bearer ".length));
    await new Promise<void>((resolve) => {
      refusedSocket.on("open", () =>
        refusedSocket.send(
          JSON.stringify({ type: "connection_init", payload: { authorization: badWsToken } }),
        ),
      );
      refusedSocket.on("close", () => resolve());
    });
    const expired = await bearer(broken.customer, -60);
    const garbage = "Bearer garbageTokenValueThatIsSecret0042";
    secrets.add(garbage.slice("Bearer ".length));
    for (const authorization of [expired, garbage]) {
      const refused = await graphql(stack, DASHBOARD, {}, undefined, as(authorization));
      expect(refused.status).toBe(401);
    }

    // 5. Webhooks: a good one, a bad signature, a replay (duplicate).
    const event = accountEvent("financial_connections.account.deactivated", {
      id: broken.account,
      object: "financial_connections.account",
    });
    expect((await deliverSigned(stack, event)).status).toBe(200);
    expect((await deliverSigned(stack, event)).body.outcome).toBe("duplicate");
    const forged = signatureFor(event, "whsec_forgedSecretOfAnAttacker01");
    secrets.add("whsec_forgedSecretOfAnAttacker01");
    expect((await deliver(stack.gateway.url, event, forged)).status).toBe(400);

    // 6. Stripe faults: 500s, 429s beyond the retries, a dropped connection.
    await control(stack, "POST", "/_sandbox/faults", { status: 500, count: 2 });
    await graphql(stack, DASHBOARD, {}, undefined, as(broken.auth));
    await control(stack, "POST", "/_sandbox/faults", { status: 429, count: 10 });
    await graphql(stack, DASHBOARD, {}, undefined, as(broken.auth));
    await control(stack, "POST", "/_sandbox/faults", { status: 401, count: 1 });
    await graphql(stack, DASHBOARD, {}, undefined, as(broken.auth));
    await control(stack, "DELETE", "/_sandbox/faults").catch(() => {});

    // Everything the scenario started in the background is done, so its log lines are in: the
    // sandbox's lifecycle deliveries are acknowledged, and the subscription logged its line.
    for (const eventId of lifecycleEvents) await acknowledged(stack, eventId);
    await eventually(
      () =>
        sink.lines.some(
          (line) => (JSON.parse(line) as { operation?: string }).operation === "Live",
        ),
      5_000,
      "the subscription's operation line",
    );

    // The logs are there, and hold the scenario: it cannot pass by logging nothing.
    const text = sink.text();
    const entries = sink.lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    const operations = entries.filter((entry) => entry.msg === "graphql operation");
    expect(operations.map((entry) => entry.operation)).toEqual(
      expect.arrayContaining(["Dashboard", "Broken", "CreateRelink"]),
    );
    expect(operations.some((entry) => (entry.errorCodes as string[]).length > 0)).toBe(true);
    expect(entries.some((entry) => entry.msg === "webhook event handled")).toBe(true);
    expect(entries.some((entry) => entry.msg === "webhook rejected")).toBe(true);
    expect(entries.some((entry) => entry.level === 10)).toBe(true); // trace lines were captured
    expect(secrets.size).toBeGreaterThanOrEqual(customers.length + 6);

    for (const secret of secrets) {
      expect(text.includes(secret), `a log line holds ${secret.slice(0, 12)}…`).toBe(false);
    }
    expect(text).not.toMatch(/Bearer\s+(?!\[redacted\])[A-Za-z0-9._-]{8,}/);
    expect(text).not.toMatch(/_secret_[A-Za-z0-9]/);
  });
});
