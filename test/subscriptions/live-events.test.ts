import type { Client } from "graphql-ws";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { SANDBOX_DEV_API_KEY } from "../../src/shared/sandbox-defaults.js";
import { control, createCustomer, startStack, type TestStack } from "../support/gateway.js";
import { eventually, feed, liveClient, settle } from "../support/live.js";
import { accountEvent, deliverSigned } from "../support/webhook.js";

let stack: TestStack;
const clients: Client[] = [];
beforeAll(async () => {
  stack = await startStack();
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.dispose()));
});
afterAll(() => stack.close());

const FIELDS =
  "eventId type occurredAt cause action account { id status health { state } authorization { id status } }";

interface LifecycleEvent {
  eventId: string;
  type: string;
  occurredAt: string;
  cause: string | null;
  action: string;
  account: {
    id: string;
    status: string;
    health: { state: string };
    authorization: { id: string; status: string } | null;
  };
}

async function subscriber(customer: string, field: string, accountId?: string) {
  const client = await liveClient(stack, customer);
  clients.push(client);
  const args = accountId === undefined ? "" : `(accountId: "${accountId}")`;
  const live = feed<Record<string, LifecycleEvent>>(
    client,
    `subscription { ${field}${args} { ${FIELDS} } }`,
  );
  // The subscription is registered once the socket is acknowledged and the operation sent.
  await settle(150);
  return {
    events: () => live.events.map((data) => data[field] as LifecycleEvent),
    errors: live.errors,
  };
}

async function rawAccount(id: string): Promise<Record<string, unknown>> {
  const response = await fetch(`${stack.sandbox.url}/v1/financial_connections/accounts/${id}`, {
    headers: { authorization: `Bearer ${SANDBOX_DEV_API_KEY}` },
  });
  return (await response.json()) as Record<string, unknown>;
}

describe("accountDeactivated", () => {
  it("reaches the owner's subscriber with the account and cause, and nobody else", async () => {
    const owner = await createCustomer(stack, 1, 1);
    const other = await createCustomer(stack, 1, 1);
    const [accountId] = owner.accounts as [string];
    const mine = await subscriber(owner.id, "accountDeactivated");
    const theirs = await subscriber(other.id, "accountDeactivated");
    const theirsAll = await subscriber(other.id, "accountStatusChanged");

    await control(stack, "POST", `/_sandbox/accounts/${accountId}/deactivate`, {
      cause: "access_expired",
    });

    await eventually(() => mine.events().length === 1, 5_000, "the owner's event");
    const [event] = mine.events();
    expect(event).toMatchObject({
      type: "DEACTIVATED",
      cause: "ACCESS_EXPIRED",
      action: "RELINK",
      account: {
        id: accountId,
        status: "INACTIVE",
        health: { state: "RELINK_REQUIRED" },
        authorization: { status: "INACTIVE" },
      },
    });
    expect(event?.eventId).toMatch(/^evt_/);
    expect(Number.isNaN(Date.parse(event?.occurredAt ?? ""))).toBe(false);
    await settle();
    expect(mine.events()).toHaveLength(1);
    expect(theirs.events()).toEqual([]);
    expect(theirsAll.events()).toEqual([]);
    expect(mine.errors).toEqual([]);
  });

  it("publishes the same event once, however often and however concurrently it is delivered", async () => {
    const owner = await createCustomer(stack, 1, 1);
    const [accountId] = owner.accounts as [string];
    const live = await subscriber(owner.id, "accountStatusChanged");
    await control(stack, "POST", `/_sandbox/accounts/${accountId}/deactivate`, {});
    await eventually(() => live.events().length === 1, 5_000, "the sandbox's delivery");

    const payload = accountEvent(
      "financial_connections.account.deactivated",
      await rawAccount(accountId),
    );
    const answers = await Promise.all([1, 2, 3, 4].map(() => deliverSigned(stack, payload)));
    answers.push(await deliverSigned(stack, payload));
    await eventually(() => live.events().length === 2, 5_000, "the re-delivered event");
    await settle();
    expect(live.events()).toHaveLength(2);
    expect(answers.filter((answer) => answer.body.outcome === "published")).toHaveLength(1);
    expect(answers.every((answer) => answer.status === 200 || answer.status === 409)).toBe(true);
    expect(answers.at(-1)).toMatchObject({ status: 200, body: { outcome: "duplicate" } });
  });
});

describe("out-of-order deliveries", () => {
  it("a late, older deactivated delivery after reactivation leaves subscribers with the true state", async () => {
    const owner = await createCustomer(stack, 1, 1);
    const [accountId] = owner.accounts as [string];
    const live = await subscriber(owner.id, "accountStatusChanged");
    await control(stack, "POST", `/_sandbox/accounts/${accountId}/deactivate`, {});
    await eventually(() => live.events().length === 1, 5_000, "deactivated");
    const staleSnapshot = await rawAccount(accountId);
    await control(stack, "POST", `/_sandbox/accounts/${accountId}/reactivate`);
    await eventually(() => live.events().length === 2, 5_000, "reactivated");

    // Stripe retries a deactivated event that an earlier attempt failed to deliver: it arrives now.
    const late = accountEvent("financial_connections.account.deactivated", staleSnapshot, {
      created: Math.floor(Date.now() / 1000) - 60,
    });
    const answer = await deliverSigned(stack, late);
    expect(answer).toMatchObject({ status: 200, body: { outcome: "stale" } });
    await settle();
    expect(live.events().map((event) => event.type)).toEqual(["DEACTIVATED", "REACTIVATED"]);
    expect(live.events().at(-1)?.account).toMatchObject({
      status: "ACTIVE",
      health: { state: "HEALTHY" },
    });
  });

  it("publishes the current state when the payload lacks status_details (an older API version)", async () => {
    const owner = await createCustomer(stack, 1, 1);
    const [accountId] = owner.accounts as [string];
    await control(stack, "POST", `/_sandbox/accounts/${accountId}/deactivate`, {
      cause: "access_denied",
      action: "relink_required",
    });
    await settle(200);
    const live = await subscriber(owner.id, "accountDeactivated");
    const { status_details: _dropped, ...older } = await rawAccount(accountId);
    const answer = await deliverSigned(
      stack,
      accountEvent("financial_connections.account.deactivated", older),
    );
    expect(answer.status).toBe(200);
    await eventually(() => live.events().length === 1, 5_000, "the event");
    expect(live.events()[0]).toMatchObject({
      cause: "ACCESS_DENIED",
      account: { health: { state: "RELINK_REQUIRED" } },
    });
  });
});

describe("each lifecycle subscription", () => {
  it("receives only its own type; accountStatusChanged receives them all; accountId filters", async () => {
    const owner = await createCustomer(stack, 2, 2);
    const [first, second] = owner.accounts as [string, string];
    const deactivated = await subscriber(owner.id, "accountDeactivated");
    const reactivated = await subscriber(owner.id, "accountReactivated");
    const upcoming = await subscriber(owner.id, "accountDeactivationUpcoming");
    const disconnected = await subscriber(owner.id, "accountDisconnected");
    const all = await subscriber(owner.id, "accountStatusChanged");
    const onlySecond = await subscriber(owner.id, "accountStatusChanged", second);

    await control(stack, "POST", `/_sandbox/accounts/${first}/upcoming_deactivation`, {});
    await eventually(() => all.events().length === 1, 5_000, "upcoming");
    await control(stack, "POST", `/_sandbox/accounts/${first}/deactivate`, {});
    await eventually(() => all.events().length === 2, 5_000, "deactivated");
    await control(stack, "POST", `/_sandbox/accounts/${first}/reactivate`);
    await eventually(() => all.events().length === 3, 5_000, "reactivated");
    await control(stack, "POST", `/_sandbox/accounts/${second}/disconnect`);
    await eventually(() => all.events().length === 4, 5_000, "disconnected");
    await settle();

    expect(all.events().map((event) => event.type)).toEqual([
      "DEACTIVATION_UPCOMING",
      "DEACTIVATED",
      "REACTIVATED",
      "DISCONNECTED",
    ]);
    expect(upcoming.events().map((event) => event.account.id)).toEqual([first]);
    expect(upcoming.events()[0]?.account.health.state).toBe("EXPIRING");
    expect(deactivated.events().map((event) => event.type)).toEqual(["DEACTIVATED"]);
    expect(reactivated.events().map((event) => event.type)).toEqual(["REACTIVATED"]);
    expect(disconnected.events().map((event) => event.account.id)).toEqual([second]);
    expect(onlySecond.events().map((event) => event.type)).toEqual(["DISCONNECTED"]);
  });
});
