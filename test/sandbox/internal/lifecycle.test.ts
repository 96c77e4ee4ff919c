import { describe, expect, it } from "vitest";
import { TransitionError } from "../../../src/sandbox/state/errors.js";
import {
  announceDeactivation,
  deactivateAccount,
  disconnectAccount,
  reactivateAccount,
} from "../../../src/sandbox/state/lifecycle.js";
import { completeSession } from "../../../src/sandbox/state/relink.js";
import { createSeededStore, SEED_IDS } from "../../../src/sandbox/state/seed.js";
import type { SessionRecord } from "../../../src/sandbox/state/types.js";

const { accounts: A, authorizations: AUTH, customers: C } = SEED_IDS;

function setup() {
  const store = createSeededStore({ now: 1_780_000_000 });
  const account = (id: string) => {
    const found = store.accounts.get(id);
    if (!found) throw new Error(id);
    return found;
  };
  return { store, account };
}

function relinkSession(
  store: ReturnType<typeof setup>["store"],
  account: string | null,
): SessionRecord {
  const session: SessionRecord = {
    id: "fcsess_test",
    seq: store.nextSeq(),
    created: 0,
    clientSecret: "secret",
    accountHolder: { type: "customer", customer: C.alice },
    permissions: ["balances"],
    prefetch: null,
    filters: { accountSubcategories: null, countries: ["US"] },
    limitsAccounts: 100,
    manualEntryMode: null,
    hostedDeliveryMethod: null,
    relinkOptions: { authorization: AUTH.aliceDownBank, account },
    relinkResult: null,
    returnUrl: null,
    uiMode: "modal",
    status: "pending",
    accountIds: [],
  };
  store.addSession(session);
  return session;
}

describe("account lifecycle", () => {
  it("an authorization-level cause takes the authorization and all its active accounts down", () => {
    const { store, account } = setup();
    const changes = deactivateAccount(
      store,
      account(A.aliceChecking),
      "access_expired",
      "relink_required",
    );
    expect(changes.map((change) => change.account.id)).toEqual([A.aliceChecking, A.aliceSavings]);
    expect(changes[0]?.previousAttributes).toEqual({ status: "active", status_details: {} });
    expect(store.authorizations.get(AUTH.aliceStripeBank)).toMatchObject({
      status: "inactive",
      inactiveAction: "relink_required",
    });
  });

  it("an account-level cause only takes that account down", () => {
    const { store, account } = setup();
    const changes = deactivateAccount(store, account(A.bobChecking), "account_closed", "none");
    expect(changes.map((change) => change.account.id)).toEqual([A.bobChecking]);
    expect(account(A.bobSavings).status).toBe("active");
    expect(store.authorizations.get(AUTH.bobStripeBank)?.status).toBe("active");
  });

  it("refuses to deactivate an account that is not active, changing nothing", () => {
    const { store, account } = setup();
    expect(() =>
      deactivateAccount(store, account(A.aliceRelink), "access_expired", "relink_required"),
    ).toThrow(TransitionError);
    expect(account(A.aliceRelink).inactiveDetails).toEqual({
      action: "relink_required",
      cause: "access_expired",
    });
  });

  it("reactivates the account and its authorization", () => {
    const { store, account } = setup();
    const changes = reactivateAccount(store, account(A.aliceRelink));
    expect(changes[0]?.type).toBe("financial_connections.account.reactivated");
    expect(account(A.aliceRelink)).toMatchObject({ status: "active", inactiveDetails: null });
    expect(store.authorizations.get(AUTH.aliceDownBank)?.status).toBe("active");
  });

  it("disconnects once; the authorization follows when all its accounts are disconnected", () => {
    const { store, account } = setup();
    expect(disconnectAccount(store, account(A.bobChecking))).toHaveLength(1);
    expect(disconnectAccount(store, account(A.bobChecking))).toHaveLength(0);
    expect(store.authorizations.get(AUTH.bobStripeBank)?.status).toBe("active");
    disconnectAccount(store, account(A.bobSavings));
    expect(store.authorizations.get(AUTH.bobStripeBank)?.status).toBe("disconnected");
  });

  it("announces an upcoming deactivation on the account and its authorization", () => {
    const { store, account } = setup();
    announceDeactivation(
      store,
      account(A.bobChecking),
      1_800_000_000,
      "access_expired",
      "relink_required",
    );
    expect(account(A.bobChecking).activeDetails?.expectedDeactivationDate).toBe(1_800_000_000);
    expect(
      store.authorizations.get(AUTH.bobStripeBank)?.activeDetails?.expectedDeactivationDate,
    ).toBe(1_800_000_000);
  });
});

describe("completing relink sessions", () => {
  it("relinked: repairs the authorization and its relinkable accounts", () => {
    const { store, account } = setup();
    const session = relinkSession(store, A.aliceRelink);
    const completion = completeSession(store, session, "relinked", 1_780_000_100);
    expect(completion.changes.map((change) => change.account.id)).toEqual([
      A.aliceRelink,
      A.aliceRelinkSavings,
    ]);
    expect(session).toMatchObject({
      status: "succeeded",
      accountIds: [A.aliceRelink],
      relinkResult: {
        account: A.aliceRelink,
        authorization: AUTH.aliceDownBank,
        failureReason: null,
      },
    });
    expect(account(A.aliceRelinkSavings).status).toBe("active");
  });

  it("new_authorization: new accounts on a new authorization, the old one stays inactive", () => {
    const { store } = setup();
    const session = relinkSession(store, null);
    const completion = completeSession(store, session, "new_authorization", 1_780_000_100);
    expect(completion.changes).toHaveLength(2);
    expect(
      completion.changes.every((change) => change.type === "financial_connections.account.created"),
    ).toBe(true);
    const created = completion.authorizationIds[0] ?? "";
    expect(created).not.toBe(AUTH.aliceDownBank);
    expect(store.authorizations.get(created)).toMatchObject({
      status: "active",
      customerId: C.alice,
    });
    expect(store.authorizations.get(AUTH.aliceDownBank)?.status).toBe("inactive");
    expect(session.relinkResult).toEqual({
      account: null,
      authorization: null,
      failureReason: "no_authorization",
    });
  });

  it("a failure outcome changes nothing but the session, and a session completes once", () => {
    const { store, account } = setup();
    const session = relinkSession(store, null);
    completeSession(store, session, "no_account", 1_780_000_100);
    expect(session).toMatchObject({
      status: "failed",
      relinkResult: { failureReason: "no_account" },
    });
    expect(account(A.aliceRelink).status).toBe("inactive");
    expect(() => completeSession(store, session, "relinked", 1_780_000_100)).toThrow(
      TransitionError,
    );
  });
});
