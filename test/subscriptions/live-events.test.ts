import type { Client } from "graphql-ws";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { SANDBOX_DEV_API_KEY } from "../../src/shared/sandbox-defaults.js";
import { heldEventClock, startStack, type TestStack } from "../support/gateway.js";
import { feed, liveClient, receivedBefore, registered } from "../support/live.js";
import {
  acknowledged,
  type ControlResult,
  control,
  controlOf,
  createCustomer,
  ROUTES,
} from "../support/sandbox-control.js";
import { eventually } from "../support/wait.js";
import { accountEvent, deliverSigned } from "../support/webhook.js";

let stack: TestStack;
const clients: Client[] = [];
/** The sandbox's event clock: a test holds it to create several events in one second. */
const eventClock = heldEventClock();
beforeAll(async () => {
  stack = await startStack({ sandboxEventClock: eventClock.now });
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
  const live = await registered(stack.gateway, customer, () =>
    feed<Record<string, LifecycleEvent>>(client, `subscription { ${field}${args} { ${FIELDS} } }`),
  );
  return {
    events: () => live.events.map((data) => data[field] as LifecycleEvent),
    errors: live.errors,
    /** What it received before the event `sentinelId` (which it must receive): see receivedBefore. */
    before: async (sentinelId: string) =>
      (
        await receivedBefore(
          live,
          (data) => data[field]?.eventId === sentinelId,
          `${field} to receive ${sentinelId}`,
        )
      ).map((data) => data[field] as LifecycleEvent),
  };
}

/** Runs a lifecycle action in the sandbox and waits until the gateway acknowledged its event. */
async function lifecycle(accountId: string, action: string, body?: Record<string, unknown>) {
  const answer = await control<ControlResult>(
    stack,
    "POST",
    `/_sandbox/accounts/${accountId}/${action}`,
    body,
  );
  const [eventId = ""] = answer.events;
  await acknowledged(stack, eventId);
  return eventId;
}

async function rawAccount(id: string): Promise<Record<string, unknown>> {
  const response = await fetch(`${stack.sandbox.url}/v1/financial_connections/accounts/${id}`, {
    headers: { authorization: `Bearer ${SANDBOX_DEV_API_KEY}` },
  });
  return (await response.json()) as Record<string, unknown>;
}

/**
 * Delivers a new event of `type` about the account in its current state (one the gateway
 * publishes), to serve as a sentinel: it is published after everything before it. Returns its id.
 */
async function freshEvent(type: string, accountId: string): Promise<string> {
  const payload = accountEvent(
    `financial_connections.account.${type}`,
    await rawAccount(accountId),
  );
  expect(await deliverSigned(stack, payload)).toMatchObject({ body: { outcome: "published" } });
  return String((JSON.parse(payload) as { id: string }).id);
}

describe("accountDeactivated", () => {
  it("reaches the owner's subscriber with the account and cause, and nobody else", async () => {
    const owner = await createCustomer(stack, 1, 1);
    const other = await createCustomer(stack, 1, 1);
    const [accountId] = owner.accounts as [string];
    const [otherAccountId] = other.accounts as [string];
    const mine = await subscriber(owner.id, "accountDeactivated");
    const theirs = await subscriber(other.id, "accountDeactivated");
    const theirsAll = await subscriber(other.id, "accountStatusChanged");

    const deactivation = await control<ControlResult>(
      stack,
      "POST",
      `/_sandbox/accounts/${accountId}/deactivate`,
      { cause: "access_expired" },
    );

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
    // Once the sandbox's delivery is acknowledged (handled, and never retried), a later event to
    // each customer shows by its order that nothing else came before it.
    await acknowledged(stack, deactivation.events[0] ?? "");
    const mineSentinel = await freshEvent("deactivated", accountId);
    const theirSentinel = await lifecycle(otherAccountId, "deactivate", {});
    expect(await mine.before(mineSentinel)).toHaveLength(1);
    expect(await theirs.before(theirSentinel)).toEqual([]);
    expect(await theirsAll.before(theirSentinel)).toEqual([]);
    expect(mine.errors).toEqual([]);
  });

  it("publishes the same event once, however often and however concurrently it is delivered", async () => {
    const owner = await createCustomer(stack, 1, 1);
    const [accountId] = owner.accounts as [string];
    const live = await subscriber(owner.id, "accountStatusChanged");
    await lifecycle(accountId, "deactivate", {});
    await eventually(() => live.events().length === 1, 5_000, "the sandbox's delivery");

    const payload = accountEvent(
      "financial_connections.account.deactivated",
      await rawAccount(accountId),
    );
    const answers = await Promise.all([1, 2, 3, 4].map(() => deliverSigned(stack, payload)));
    answers.push(await deliverSigned(stack, payload));
    await eventually(() => live.events().length === 2, 5_000, "the re-delivered event");
    expect(await live.before(await freshEvent("deactivated", accountId))).toHaveLength(2);
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
    await lifecycle(accountId, "deactivate", {});
    await eventually(() => live.events().length === 1, 5_000, "deactivated");
    const staleSnapshot = await rawAccount(accountId);
    await lifecycle(accountId, "reactivate");
    await eventually(() => live.events().length === 2, 5_000, "reactivated");

    // Stripe retries a deactivated event that an earlier attempt failed to deliver: it arrives now.
    const late = accountEvent("financial_connections.account.deactivated", staleSnapshot, {
      created: Math.floor(Date.now() / 1000) - 60,
    });
    const answer = await deliverSigned(stack, late);
    expect(answer).toMatchObject({ status: 200, body: { outcome: "stale" } });
    const received = await live.before(await freshEvent("reactivated", accountId));
    expect(received.map((event) => event.type)).toEqual(["DEACTIVATED", "REACTIVATED"]);
    expect(received.at(-1)?.account).toMatchObject({
      status: "ACTIVE",
      health: { state: "HEALTHY" },
    });
  });

  it("a late, older delivery while its account is re-read after an unsure order is stale: the copy being re-read is not published again", async () => {
    const owner = await createCustomer(stack, 1, 1);
    const [accountId] = owner.accounts as [string];
    const live = await subscriber(owner.id, "accountStatusChanged");
    const sandbox = controlOf(stack);
    // A deactivation and a reactivation created in the same second: the gateway stores the
    // first, publishes the second (its payload) and re-reads the account, whose order is unsure.
    eventClock.hold();
    let staleSnapshot: Record<string, unknown>;
    try {
      await lifecycle(accountId, "deactivate", {});
      staleSnapshot = await rawAccount(accountId);
      // That re-read takes a while (a slow Stripe): the late delivery below arrives meanwhile.
      await sandbox.fault({ route: ROUTES.retrieveAccount, delay_ms: 1_500, count: 10 });
      await lifecycle(accountId, "reactivate");
    } finally {
      eventClock.release();
    }
    await eventually(() => live.events().length === 2, 5_000, "reactivated");

    const late = accountEvent("financial_connections.account.deactivated", staleSnapshot, {
      created: Math.floor(Date.now() / 1000) - 60,
    });
    const answer = await deliverSigned(stack, late);
    await sandbox.clearFaults();
    expect(answer).toMatchObject({ status: 200, body: { outcome: "stale" } });
    await stack.gateway.readModel.rereads.idle();
    const received = await live.before(await freshEvent("reactivated", accountId));
    // Neither the stored deactivated copy again, nor a correction of it.
    expect(received.map((event) => event.type)).toEqual(["DEACTIVATED", "REACTIVATED"]);
    expect(received.at(-1)?.account).toMatchObject({ status: "ACTIVE" });
  });

  it("publishes the current state when the payload lacks status_details (an older API version)", async () => {
    const owner = await createCustomer(stack, 1, 1);
    const [accountId] = owner.accounts as [string];
    // The sandbox's own delivery is handled before anyone subscribes.
    await lifecycle(accountId, "deactivate", { cause: "access_denied", action: "relink_required" });
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

    await lifecycle(first, "upcoming_deactivation", {});
    await eventually(() => all.events().length === 1, 5_000, "upcoming");
    await lifecycle(first, "deactivate", {});
    await eventually(() => all.events().length === 2, 5_000, "deactivated");
    await lifecycle(first, "reactivate");
    await eventually(() => all.events().length === 3, 5_000, "reactivated");
    await lifecycle(second, "disconnect");
    await eventually(() => all.events().length === 4, 5_000, "disconnected");

    // A second round gives each subscription one more event of its own, published after all of
    // the above: what each received before it is everything it received of the first round.
    const upcomingAgain = await lifecycle(first, "upcoming_deactivation", {});
    const deactivatedAgain = await lifecycle(first, "deactivate", {});
    const reactivatedAgain = await lifecycle(first, "reactivate");
    const disconnectedAgain = await freshEvent("disconnected", second);

    expect((await all.before(upcomingAgain)).map((event) => event.type)).toEqual([
      "DEACTIVATION_UPCOMING",
      "DEACTIVATED",
      "REACTIVATED",
      "DISCONNECTED",
    ]);
    const upcomingFirst = await upcoming.before(upcomingAgain);
    expect(upcomingFirst.map((event) => event.account.id)).toEqual([first]);
    expect(upcomingFirst[0]?.account.health.state).toBe("EXPIRING");
    expect((await deactivated.before(deactivatedAgain)).map((event) => event.type)).toEqual([
      "DEACTIVATED",
    ]);
    expect((await reactivated.before(reactivatedAgain)).map((event) => event.type)).toEqual([
      "REACTIVATED",
    ]);
    expect((await disconnected.before(disconnectedAgain)).map((event) => event.account.id)).toEqual(
      [second],
    );
    expect((await onlySecond.before(disconnectedAgain)).map((event) => event.type)).toEqual([
      "DISCONNECTED",
    ]);
  });
});
