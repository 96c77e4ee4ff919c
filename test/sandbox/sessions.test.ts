/**
 * Relink sessions (public preview, via rawRequest): created with relink_options, finished with
 * the control API as the end user would, and read back with relink_result.
 */
import Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { ACCOUNT_EVENT_TYPES } from "../../src/stripe/event-types.js";
import type { RelinkOutcome } from "../support/sandbox-control.js";
import { useHarness, verifiedEvents } from "../support/sandbox-harness.js";
import { rawRequest, stripeError } from "../support/stripe-client.js";
import { pick } from "../support/stripe-json.js";

const { h } = useHarness();
const FC = "/v1/financial_connections";

interface Broken {
  customer: string;
  account: string;
  sibling: string;
  authorization: string;
}

/** A fresh customer whose authorization went inactive (relink required) for two accounts. */
async function brokenAuthorization(): Promise<Broken> {
  const { control, stripe } = h();
  const customer = await control.createCustomer({ accounts: 2, authorizations: 1 });
  const [account = "", sibling = ""] = customer.accounts;
  await control.account(account, "deactivate", {
    cause: "access_expired",
    action: "relink_required",
  });
  const acc = await stripe.financialConnections.accounts.retrieve(account);
  expect(acc.status).toBe("inactive");
  return {
    customer: customer.id,
    account,
    sibling,
    authorization: customer.authorizations[0] ?? "",
  };
}

async function createRelinkSession(b: Broken, withAccount: boolean): Promise<unknown> {
  return h().stripe.rawRequest("POST", `${FC}/sessions`, {
    account_holder: { type: "customer", customer: b.customer },
    permissions: ["balances", "transactions"],
    relink_options: withAccount
      ? { authorization: b.authorization, account: b.account }
      : { authorization: b.authorization },
  });
}

async function retrieveSession(id: string): Promise<unknown> {
  return h().stripe.rawRequest("GET", `${FC}/sessions/${id}`);
}

describe("relink sessions", () => {
  it("are created pending, echo relink_options and have no relink_result yet", async () => {
    const b = await brokenAuthorization();
    const session = await createRelinkSession(b, true);
    expect(pick(session, "relink_options")).toEqual({
      authorization: b.authorization,
      account: b.account,
    });
    expect(pick(session, "client_secret")).toEqual(expect.any(String));
    expect(pick(session, "status")).toBe("pending");
    expect(pick(session, "relink_result")).toBeUndefined();
    const read = await retrieveSession(String(pick(session, "id")));
    expect(pick(read, "relink_options", "authorization")).toBe(b.authorization);
  });

  it("reject relink_options naming an account outside the authorization", async () => {
    const b = await brokenAuthorization();
    const other = await h().control.createCustomer({ accounts: 1, authorizations: 1 });
    const err = await stripeError(
      h().stripe.rawRequest("POST", `${FC}/sessions`, {
        account_holder: { type: "customer", customer: b.customer },
        permissions: ["balances"],
        relink_options: { authorization: b.authorization, account: other.accounts[0] },
      }),
      Stripe.errors.StripeInvalidRequestError,
    );
    expect(err.param).toMatch(/^relink_options/);
  });

  it("relinked: succeeded, relink_result names the authorization and account, accounts active again", async () => {
    const b = await brokenAuthorization();
    const session = await createRelinkSession(b, true);
    const id = String(pick(session, "id"));
    const completed = await h().control.completeSession(id, "relinked");
    const events = await verifiedEvents(h(), completed.events);
    const reactivated = events.filter((e) => e.type === ACCOUNT_EVENT_TYPES.reactivated);
    expect(new Set(reactivated.map((e) => pick(e, "data", "object", "id")))).toEqual(
      new Set([b.account, b.sibling]),
    );
    const read = await retrieveSession(id);
    expect(pick(read, "status")).toBe("succeeded");
    expect(pick(read, "relink_result")).toEqual({
      account: b.account,
      authorization: b.authorization,
      failure_reason: null,
    });
    const accounts = h().stripe.financialConnections.accounts;
    expect((await accounts.retrieve(b.account)).status).toBe("active");
    expect((await accounts.retrieve(b.sibling)).status).toBe("active");
    const auth: unknown = await h().stripe.rawRequest(
      "GET",
      `${FC}/authorizations/${b.authorization}`,
    );
    expect(pick(auth, "status")).toBe("active");
  });

  it("relinked without relink_options[account]: relink_result.account is null", async () => {
    const b = await brokenAuthorization();
    const id = String(pick(await createRelinkSession(b, false), "id"));
    await h().control.completeSession(id, "relinked");
    const read = await retrieveSession(id);
    expect(pick(read, "relink_result")).toEqual({
      account: null,
      authorization: b.authorization,
      failure_reason: null,
    });
  });

  // The user logged in with other credentials: the session links new accounts under a new
  // authorization, but the requested authorization was not relinked, so the relink itself failed
  // (relink_result is "only present if relink is successful" for account/authorization).
  it("new_authorization: succeeded with new accounts on a new authorization, relink failed no_authorization", async () => {
    const b = await brokenAuthorization();
    const id = String(pick(await createRelinkSession(b, true), "id"));
    const completed = await h().control.completeSession(id, "new_authorization");
    const events = await verifiedEvents(h(), completed.events);
    const created = events.filter((e) => e.type === ACCOUNT_EVENT_TYPES.created);
    const read = await retrieveSession(id);
    expect(pick(read, "status")).toBe("succeeded");
    expect(pick(read, "relink_result")).toEqual({
      account: null,
      authorization: null,
      failure_reason: "no_authorization",
    });
    const linked = pick(read, "accounts", "data");
    expect(Array.isArray(linked) && linked.length > 0).toBe(true);
    const newAuths = new Set(
      (Array.isArray(linked) ? linked : []).map((a) => pick(a, "authorization")),
    );
    expect(newAuths.has(b.authorization)).toBe(false);
    for (const auth of newAuths) {
      const fetched = await rawRequest(h().stripe, "GET", `${FC}/authorizations/${String(auth)}`);
      expect(pick(fetched, "status")).toBe("active");
    }
    const linkedIds = (Array.isArray(linked) ? linked : []).map((a) => pick(a, "id"));
    expect(new Set(created.map((e) => pick(e, "data", "object", "id")))).toEqual(
      new Set(linkedIds),
    );
    const bySession = await h().stripe.financialConnections.accounts.list({ session: id });
    expect(new Set(bySession.data.map((a) => a.id))).toEqual(new Set(linkedIds));
    const old = await rawRequest(h().stripe, "GET", `${FC}/authorizations/${b.authorization}`);
    expect(pick(old, "status")).toBe("inactive");
    expect((await h().stripe.financialConnections.accounts.retrieve(b.account)).status).toBe(
      "inactive",
    );
  });

  const failures: RelinkOutcome[] = ["no_account", "no_authorization", "other"];
  it.each(failures)(
    "%s: relink_result carries that failure_reason and nothing is relinked",
    async (outcome) => {
      const b = await brokenAuthorization();
      const id = String(pick(await createRelinkSession(b, true), "id"));
      const completed = await h().control.completeSession(id, outcome);
      const events = await verifiedEvents(h(), completed.events);
      expect(events.filter((e) => e.type === ACCOUNT_EVENT_TYPES.reactivated)).toEqual([]);
      const read = await retrieveSession(id);
      expect(pick(read, "status")).not.toBe("pending");
      expect(pick(read, "status")).not.toBe("succeeded");
      expect(pick(read, "relink_result")).toEqual({
        account: null,
        authorization: null,
        failure_reason: outcome,
      });
      expect((await h().stripe.financialConnections.accounts.retrieve(b.account)).status).toBe(
        "inactive",
      );
    },
  );
});
