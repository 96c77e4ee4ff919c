/**
 * The Events API (`GET /v1/events`, `GET /v1/events/{id}`) through the real SDK: every event the
 * sandbox emitted, newest first, kept 30 days, with Stripe's filters and cursors. The sandbox's
 * event clock is this file's `now`, frozen unless a test moves it forward, so `created` values
 * are exact and 30 days pass at once. useHarness validates every response against the OpenAPI
 * description.
 */
import Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { ACCOUNT_EVENT_TYPES, AUTHORIZATION_EVENT_TYPES } from "../../src/stripe/event-types.js";
import { assertValid, validateEvent } from "../support/openapi.js";
import { useHarness } from "../support/sandbox-harness.js";
import { rawRequest, stripeError } from "../support/stripe-client.js";
import { pick } from "../support/stripe-json.js";
import { waitFor } from "../support/wait.js";
import { deliveriesOf } from "../support/webhook-receiver.js";

let now = 1_790_000_000;
const { h } = useHarness({ eventClock: () => now });

/** Moves the sandbox's event clock forward and returns the new time. */
function tick(seconds = 10): number {
  now += seconds;
  return now;
}

const ids = (list: { data: { id: string }[] }) => list.data.map((event) => event.id);
const objectIds = (list: { data: Stripe.Event[] }) =>
  list.data.map((event) => pick(event, "data", "object", "id"));

describe("listing events", () => {
  it("lists every event emitted, newest first, each valid against its event schema", async () => {
    const since = tick();
    const customer = await h().control.createCustomer({ accounts: 2, authorizations: 1 });
    const [first = "", second = ""] = customer.accounts;
    tick(1);
    const disconnected = await h().stripe.financialConnections.accounts.disconnect(first);
    const list = await h().stripe.events.list({ created: { gte: since }, limit: 100 });
    expect(list.data.map((event) => event.type)).toEqual([
      ACCOUNT_EVENT_TYPES.disconnected,
      ACCOUNT_EVENT_TYPES.created,
      ACCOUNT_EVENT_TYPES.created,
    ]);
    expect(objectIds(list)).toEqual([first, second, first]);
    expect(ids(list).slice(1)).toEqual([...(customer.events ?? [])].reverse());
    expect(list.data.map((event) => event.created)).toEqual([since + 1, since, since]);
    expect(list.has_more).toBe(false);
    const [byApi] = list.data;
    expect(byApi?.request).toEqual({
      id: disconnected.lastResponse.requestId,
      idempotency_key: disconnected.lastResponse.idempotencyKey,
    });
    expect(byApi?.data.previous_attributes).toMatchObject({ status: "active" });
    for (const event of list.data) assertValid(validateEvent(event), `event ${event.id}`);
  });

  it("type matches an event name or, with *, a group; types[] matches any of exact names", async () => {
    const since = tick();
    const customer = await h().control.createCustomer({ accounts: 1, authorizations: 1 });
    const [account = ""] = customer.accounts;
    const [authorization = ""] = customer.authorizations;
    const upcomingAt = tick(5);
    await h().control.account(account, "upcoming_deactivation");
    const events = h().stripe.events;
    const authorizationEvents = await events.list({
      type: "financial_connections.authorization.*",
      created: { gte: since },
    });
    expect(authorizationEvents.data.map((event) => event.type)).toEqual([
      AUTHORIZATION_EVENT_TYPES.upcomingDeactivation,
      AUTHORIZATION_EVENT_TYPES.expectedDeactivationDateUpdated,
    ]);
    expect(objectIds(authorizationEvents)).toEqual([authorization, authorization]);
    const upcoming = await events.list({
      type: "*.upcoming_deactivation",
      created: { gte: since },
    });
    expect(upcoming.data.map((event) => event.type)).toEqual([
      AUTHORIZATION_EVENT_TYPES.upcomingDeactivation,
      ACCOUNT_EVENT_TYPES.upcomingDeactivation,
    ]);
    const exact = await events.list({ type: ACCOUNT_EVENT_TYPES.created, created: { gte: since } });
    expect(objectIds(exact)).toEqual([account]);
    const named = await events.list({
      types: [ACCOUNT_EVENT_TYPES.created, AUTHORIZATION_EVENT_TYPES.upcomingDeactivation],
      created: { gte: since },
    });
    expect(named.data.map((event) => event.type)).toEqual([
      AUTHORIZATION_EVENT_TYPES.upcomingDeactivation,
      ACCOUNT_EVENT_TYPES.created,
    ]);
    const notAPattern = await events.list({
      types: ["financial_connections.account.*"],
      created: { gte: since },
    });
    expect(notAPattern.data).toEqual([]);
    const none = await events.list({ type: "financial_connections.nothing.*" });
    expect(none.data).toEqual([]);
    expect((await events.list({ created: since })).data.map((event) => event.type)).toEqual([
      ACCOUNT_EVENT_TYPES.created,
    ]);
    const later = await events.list({ created: { gt: since, lte: upcomingAt } });
    expect(later.data).toHaveLength(3);
    expect(later.data.every((event) => event.created === upcomingAt)).toBe(true);
  });

  it("lists account.created for each account a new_authorization relink linked", async () => {
    const customer = await h().control.createCustomer({ accounts: 1, authorizations: 1 });
    const since = tick();
    const session = await h().stripe.rawRequest("POST", "/v1/financial_connections/sessions", {
      permissions: ["balances"],
      relink_options: { authorization: customer.authorizations[0] },
    });
    const completed = await h().control.completeSession(
      String(pick(session, "id")),
      "new_authorization",
    );
    const linked = pick(completed, "session", "accounts", "data");
    const newAccounts = Array.isArray(linked) ? linked.map((account) => pick(account, "id")) : [];
    expect(newAccounts).toHaveLength(1);
    const created = await h().stripe.events.list({
      type: ACCOUNT_EVENT_TYPES.created,
      created: { gte: since },
    });
    expect(objectIds(created)).toEqual(newAccounts);
    expect(ids(created)).toEqual(completed.events.slice(0, 1));
  });

  it("refuses type with types, more than 20 types, and an unknown range key", async () => {
    const events = h().stripe.events;
    const both = await stripeError(
      events.list({ type: ACCOUNT_EVENT_TYPES.created, types: [ACCOUNT_EVENT_TYPES.created] }),
      Stripe.errors.StripeInvalidRequestError,
    );
    expect(both.statusCode).toBe(400);
    expect(both.param).toBe("types");
    expect(both.message).toMatch(/either `type` or `types`/);
    const many = Array.from({ length: 21 }, (_, n) => `financial_connections.x${n}`);
    const tooMany = await stripeError(
      events.list({ types: many }),
      Stripe.errors.StripeInvalidRequestError,
    );
    expect(tooMany.param).toBe("types");
    expect((await events.list({ types: many.slice(0, 20) })).data).toEqual([]);
    const badRange = await stripeError(
      rawRequest(h().stripe, "GET", "/v1/events", { created: { after: 1 } }),
      Stripe.errors.StripeInvalidRequestError,
    );
    expect(badRange.param).toBe("created[after]");
  });
});

describe("paging through events", () => {
  it("starting_after and ending_before walk the list as the SDK's auto-pagination does", async () => {
    const since = tick();
    const customer = await h().control.createCustomer({ accounts: 5, authorizations: 1 });
    const newestFirst = [...(customer.events ?? [])].reverse();
    expect(newestFirst).toHaveLength(5);
    const events = h().stripe.events;
    const filter = { created: { gte: since }, limit: 2 };
    const page1 = await events.list(filter);
    const page2 = await events.list({ ...filter, starting_after: page1.data[1]?.id });
    const page3 = await events.list({ ...filter, starting_after: page2.data[1]?.id });
    expect([ids(page1), ids(page2), ids(page3)]).toEqual([
      newestFirst.slice(0, 2),
      newestFirst.slice(2, 4),
      newestFirst.slice(4),
    ]);
    expect([page1.has_more, page2.has_more, page3.has_more]).toEqual([true, true, false]);
    const back = await events.list({ ...filter, ending_before: page3.data[0]?.id });
    expect(ids(back)).toEqual(newestFirst.slice(2, 4));
    expect(back.has_more).toBe(true);
    const newest = await events.list({ ...filter, ending_before: page1.data[0]?.id });
    expect(newest.data).toEqual([]);
    expect(newest.has_more).toBe(false);
    const walked: string[] = [];
    for await (const event of events.list(filter)) walked.push(event.id);
    expect(walked).toEqual(newestFirst);
  });

  it("a cursor may be an event that the filters leave out (catching up from the last one seen)", async () => {
    const since = tick();
    const first = await h().control.createCustomer({ accounts: 1, authorizations: 1 });
    const upcoming = await h().control.account(first.accounts[0] ?? "", "upcoming_deactivation");
    const lastSeen = upcoming.events.at(-1) ?? "";
    tick();
    const second = await h().control.createCustomer({ accounts: 1, authorizations: 1 });
    const events = h().stripe.events;
    const created = { types: [ACCOUNT_EVENT_TYPES.created], created: { gte: since } };
    expect(ids(await events.list({ ...created, ending_before: lastSeen }))).toEqual(second.events);
    expect(ids(await events.list({ ...created, starting_after: lastSeen }))).toEqual(first.events);
  });

  it("refuses a cursor that names no event, and a limit outside 1..100", async () => {
    const events = h().stripe.events;
    const unknown = await stripeError(
      events.list({ starting_after: "evt_doesNotExist" }),
      Stripe.errors.StripeInvalidRequestError,
    );
    expect([unknown.statusCode, unknown.code, unknown.param]).toEqual([
      400,
      "resource_missing",
      "starting_after",
    ]);
    const limit = await stripeError(
      events.list({ limit: 101 }),
      Stripe.errors.StripeInvalidRequestError,
    );
    expect(limit.param).toBe("limit");
  });
});

describe("retrieving an event", () => {
  it("answers the event as listed", async () => {
    const since = tick();
    await h().control.createCustomer({ accounts: 1, authorizations: 1 });
    const [listed] = (await h().stripe.events.list({ created: { gte: since } })).data;
    const read = await h().stripe.events.retrieve(listed?.id ?? "");
    for (const field of ["id", "type", "created", "data", "request", "api_version", "livemode"]) {
      expect(pick(read, field), field).toEqual(pick(listed, field));
    }
    assertValid(validateEvent(read), "retrieved event");
  });

  it("answers 404 resource_missing for an unknown id", async () => {
    const missing = await stripeError(
      h().stripe.events.retrieve("evt_doesNotExist"),
      Stripe.errors.StripeInvalidRequestError,
    );
    expect([missing.statusCode, missing.code, missing.param]).toEqual([
      404,
      "resource_missing",
      "id",
    ]);
    expect(missing.message).toBe("No such event: 'evt_doesNotExist'");
  });
});

describe("delivery status", () => {
  it("pending_webhooks counts unacknowledged destinations; delivery_success filters on it", async () => {
    const since = tick();
    h().receiver.respond(() => 500);
    const failing = await h().control.createCustomer({ accounts: 1, authorizations: 1 });
    const [failed = ""] = failing.events ?? [];
    await waitFor(
      () => (deliveriesOf(h().receiver, failed).length === 3 ? true : undefined),
      "the 3 attempts of the failing delivery",
    );
    h().receiver.respond(() => 200);
    const passing = await h().control.createCustomer({ accounts: 1, authorizations: 1 });
    const [delivered = ""] = passing.events ?? [];
    const events = h().stripe.events;
    await waitFor(async () => {
      const event = await events.retrieve(delivered);
      return event.pending_webhooks === 0 ? true : undefined;
    }, "the acknowledged delivery");
    expect((await events.retrieve(failed)).pending_webhooks).toBe(1);
    expect(ids(await events.list({ created: { gte: since }, delivery_success: false }))).toEqual([
      failed,
    ]);
    expect(ids(await events.list({ created: { gte: since }, delivery_success: true }))).toEqual([
      delivered,
    ]);
  });
});

describe("the 30-day window", () => {
  it("keeps an event for 30 days, then neither lists nor retrieves it", async () => {
    const since = tick();
    const customer = await h().control.createCustomer({ accounts: 1, authorizations: 1 });
    const [id = ""] = customer.events ?? [];
    const events = h().stripe.events;
    tick(30 * 86_400);
    expect(ids(await events.list({ created: { gte: since } }))).toEqual([id]);
    expect((await events.retrieve(id)).id).toBe(id);
    tick(1);
    expect((await events.list({ created: { gte: since } })).data).toEqual([]);
    expect(ids(await events.list({ limit: 100 }))).not.toContain(id);
    const gone = await stripeError(events.retrieve(id), Stripe.errors.StripeInvalidRequestError);
    expect([gone.statusCode, gone.code]).toEqual([404, "resource_missing"]);
    const cursor = await stripeError(
      events.list({ starting_after: id }),
      Stripe.errors.StripeInvalidRequestError,
    );
    expect(cursor.param).toBe("starting_after");
    const fresh = await h().control.createCustomer({ accounts: 1, authorizations: 1 });
    expect(ids(await events.list())).toEqual(fresh.events);
  });
});
