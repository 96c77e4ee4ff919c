import { describe, expect, it } from "vitest";
import { renderAccount, renderAuthorization } from "../../../src/sandbox/state/render-account.js";
import { createSeededStore, SEED_IDS } from "../../../src/sandbox/state/seed.js";

const NOW = 1_780_000_000;

function snapshot(seedSize = 0) {
  const store = createSeededStore({ now: NOW, seedSize });
  return [...store.accounts.values()].map((account) => renderAccount(store, account));
}

describe("seed", () => {
  it("is the same on every start (ids, states, data)", () => {
    expect(snapshot(50)).toEqual(snapshot(50));
  });

  it("gives Alice an account in every health state", () => {
    const store = createSeededStore({ now: NOW });
    const alice = store.customers.get(SEED_IDS.customers.alice);
    const states = (alice?.accountIds ?? []).map((id) => {
      const account = store.accounts.get(id);
      return `${account?.status}/${account?.activeDetails ? "expiring" : (account?.inactiveDetails?.action ?? "-")}`;
    });
    expect(new Set(states)).toEqual(
      new Set([
        "active/-",
        "active/expiring",
        "inactive/relink_required",
        "inactive/none",
        "disconnected/-",
      ]),
    );
  });

  it("shares authorizations between accounts and keeps them consistent with their accounts", () => {
    const store = createSeededStore({ now: NOW });
    const auth = store.authorizations.get(SEED_IDS.authorizations.aliceDownBank);
    expect(auth?.accountIds).toEqual([
      SEED_IDS.accounts.aliceRelink,
      SEED_IDS.accounts.aliceRelinkSavings,
    ]);
    expect(auth && renderAuthorization(store, auth)).toMatchObject({
      status: "inactive",
      status_details: { inactive: { action: "relink_required" } },
    });
  });

  it("dates the expected deactivation a week ahead, stable within a day", () => {
    const store = createSeededStore({ now: NOW });
    const expiring = store.accounts.get(SEED_IDS.accounts.aliceExpiring);
    const date = expiring?.activeDetails?.expectedDeactivationDate ?? 0;
    expect(date).toBeGreaterThan(NOW + 6 * 86_400);
    expect(
      createSeededStore({ now: NOW + 60 }).accounts.get(SEED_IDS.accounts.aliceExpiring)
        ?.activeDetails?.expectedDeactivationDate,
    ).toBe(date);
  });

  // How fast it generates them is `npm run bench`'s (its "sandbox seeding" line), not a test's.
  it("generates 5,000 benchmark accounts over generated customers", () => {
    const store = createSeededStore({ now: NOW, seedSize: 5_000 });
    expect(store.accounts.size).toBe(5_000 + Object.keys(SEED_IDS.accounts).length);
    expect(store.customers.get("cus_Bulk000001")?.accountIds).toHaveLength(10);
    expect(store.accounts.get("fca_Bulk00005000")?.customerId).toBe("cus_Bulk000500");
  });

  it("generates transactions lazily and deterministically", () => {
    const ids = () => {
      const store = createSeededStore({ now: NOW });
      const account = store.accounts.get(SEED_IDS.accounts.aliceChecking);
      return account ? store.transactionsOf(account).map((transaction) => transaction.id) : [];
    };
    expect(ids()).toHaveLength(12);
    expect(ids()).toEqual(ids());
  });
});
