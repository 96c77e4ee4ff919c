/** The seed is deterministic and covers every account health state the gateway must render. */
import type Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditExchanges } from "../support/response-audit.js";
import { type Harness, startHarness, useHarness } from "../support/sandbox-harness.js";
import { pick } from "../support/stripe-json.js";

const { h, totals } = useHarness();
let second: Harness;
let seeded: Stripe.FinancialConnections.Account[] = [];

/** Every account of every seeded customer, read through the API. */
async function allAccounts(harness: Harness): Promise<Stripe.FinancialConnections.Account[]> {
  const out: Stripe.FinancialConnections.Account[] = [];
  for (const c of await harness.control.customers()) {
    const list = await harness.stripe.financialConnections.accounts
      .list({ account_holder: { customer: c.id }, limit: 100 })
      .autoPagingToArray({ limit: 10_000 });
    out.push(...list);
  }
  return out;
}

beforeAll(async () => {
  second = await startHarness();
  seeded = await allAccounts(h());
});

afterAll(async () => {
  if (second) auditExchanges(second.proxy.exchanges, 0, totals);
  await second?.close();
});

function expectedDate(a: Stripe.FinancialConnections.Account): unknown {
  return pick(a, "status_details", "active", "expected_deactivation_date");
}

describe("the seed", () => {
  it("is identical in two sandboxes: same customers, accounts and authorizations", async () => {
    const [a, b] = await Promise.all([h().control.customers(), second.control.customers()]);
    expect(a.length).toBeGreaterThanOrEqual(2);
    expect(b).toEqual(a);
    const other = await allAccounts(second);
    const strip = (x: Stripe.FinancialConnections.Account) => ({
      id: x.id,
      status: x.status,
      authorization: pick(x, "authorization"),
      customer: pick(x, "account_holder", "customer"),
      inactive: pick(x, "status_details", "inactive"),
    });
    expect(other.map(strip)).toEqual(seeded.map(strip));
  });

  it("lists each customer's accounts exactly as the control API names them", async () => {
    for (const c of await h().control.customers()) {
      const ids = seeded
        .filter((a) => pick(a, "account_holder", "customer") === c.id)
        .map((a) => a.id);
      expect(new Set(ids)).toEqual(new Set(c.accounts));
    }
  });

  it("contains a healthy active account without status_details.active", () => {
    expect(seeded.some((a) => a.status === "active" && expectedDate(a) === undefined)).toBe(true);
  });

  it("contains an active account expecting deactivation on a date", () => {
    const expiring = seeded.find(
      (a) => a.status === "active" && typeof expectedDate(a) === "number",
    );
    expect(expiring).toBeDefined();
  });

  it("contains inactive accounts with action relink_required and with action none", () => {
    const actions = seeded
      .filter((a) => a.status === "inactive")
      .map((a) => pick(a, "status_details", "inactive", "action"));
    expect(actions).toContain("relink_required");
    expect(actions).toContain("none");
  });

  it("is test-mode data throughout", () => {
    expect(seeded.length).toBeGreaterThan(0);
    expect(seeded.every((a) => a.livemode === false)).toBe(true);
  });

  it("contains a disconnected account", () => {
    expect(seeded.some((a) => a.status === "disconnected")).toBe(true);
  });

  it("has an authorization shared by several accounts", () => {
    const byAuth = new Map<string, number>();
    for (const a of seeded) {
      const auth = pick(a, "authorization");
      if (typeof auth === "string") byAuth.set(auth, (byAuth.get(auth) ?? 0) + 1);
    }
    expect(Math.max(0, ...byAuth.values())).toBeGreaterThanOrEqual(2);
  });

  it("has transactions and owners", async () => {
    const { stripe } = h();
    let transactions = 0;
    let owners = 0;
    for (const a of seeded) {
      transactions += (
        await stripe.financialConnections.transactions.list({ account: a.id, limit: 100 })
      ).data.length;
      const ownership = typeof a.ownership === "string" ? a.ownership : a.ownership?.id;
      if (ownership) {
        owners += (await stripe.financialConnections.accounts.listOwners(a.id, { ownership })).data
          .length;
      }
    }
    expect(transactions).toBeGreaterThan(0);
    expect(owners).toBeGreaterThan(0);
  });
});
