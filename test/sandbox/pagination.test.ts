/** Cursor pagination of the list endpoints, as Stripe documents it, seen through the SDK. */
import Stripe from "stripe";
import { beforeAll, describe, expect, it } from "vitest";
import type { SandboxCustomer } from "../support/sandbox-control.js";
import { useHarness } from "../support/sandbox-harness.js";
import { rawRequest, stripeError } from "../support/stripe-client.js";
import { listData, pick } from "../support/stripe-json.js";

const { h } = useHarness();
const ACCOUNT_COUNT = 7;
let customer: SandboxCustomer;

function listPage(params: Stripe.FinancialConnections.AccountListParams) {
  return h().stripe.financialConnections.accounts.list({
    account_holder: { customer: customer.id },
    ...params,
  });
}

beforeAll(async () => {
  customer = await h().control.createCustomer({ accounts: ACCOUNT_COUNT, authorizations: 2 });
});

describe("account list pagination", () => {
  it("the created customer owns exactly the requested number of accounts", () => {
    expect(customer.accounts).toHaveLength(ACCOUNT_COUNT);
    expect(new Set(customer.accounts).size).toBe(ACCOUNT_COUNT);
  });

  it("walks forward with limit and starting_after, has_more false only on the last page", async () => {
    const pages: string[][] = [];
    const hasMore: boolean[] = [];
    let cursor: string | undefined;
    for (let i = 0; i < 5; i += 1) {
      const page = await listPage({ limit: 3, ...(cursor ? { starting_after: cursor } : {}) });
      pages.push(page.data.map((a) => a.id));
      hasMore.push(page.has_more);
      expect(page.url).toBe("/v1/financial_connections/accounts");
      if (!page.has_more) break;
      cursor = page.data.at(-1)?.id;
    }
    expect(pages.map((p) => p.length)).toEqual([3, 3, 1]);
    expect(hasMore).toEqual([true, true, false]);
    expect(new Set(pages.flat())).toEqual(new Set(customer.accounts));
  });

  it("walks backward with ending_before to the previous page", async () => {
    const first = await listPage({ limit: 3 });
    const second = await listPage({ limit: 3, starting_after: first.data.at(-1)?.id ?? "" });
    const back = await listPage({ limit: 3, ending_before: second.data[0]?.id ?? "" });
    expect(back.data.map((a) => a.id)).toEqual(first.data.map((a) => a.id));
    expect(back.has_more).toBe(false);
  });

  it("defaults to 10 and returns everything when the customer has fewer", async () => {
    const all = await listPage({});
    expect(all.data).toHaveLength(ACCOUNT_COUNT);
    expect(all.has_more).toBe(false);
  });

  it("auto-pagination collects all of a customer's accounts once each, newest first", async () => {
    const collected = await h()
      .stripe.financialConnections.accounts.list({
        account_holder: { customer: customer.id },
        limit: 2,
      })
      .autoPagingToArray({ limit: 100 });
    const ids = collected.map((a) => a.id);
    expect(ids).toHaveLength(ACCOUNT_COUNT);
    expect(new Set(ids)).toEqual(new Set(customer.accounts));
    const created = collected.map((a) => a.created);
    expect(created).toEqual([...created].sort((a, b) => b - a));
    const single = await listPage({ limit: 100 });
    expect(ids).toEqual(single.data.map((a) => a.id));
  });

  it("filters by account holder: another customer's accounts never appear", async () => {
    const other = await h().control.createCustomer({ accounts: 2, authorizations: 1 });
    const ids = (await listPage({ limit: 100 })).data.map((a) => a.id);
    for (const foreign of other.accounts) expect(ids).not.toContain(foreign);
  });

  it.each([0, 101])("rejects limit=%i with a 400 naming `limit`", async (limit) => {
    const err = await stripeError(listPage({ limit }), Stripe.errors.StripeInvalidRequestError);
    expect(err.statusCode).toBe(400);
    expect(err.param).toBe("limit");
  });

  it("accepts the bounds limit=1 and limit=100", async () => {
    expect((await listPage({ limit: 1 })).data).toHaveLength(1);
    expect((await listPage({ limit: 100 })).data).toHaveLength(ACCOUNT_COUNT);
  });

  it("rejects a starting_after cursor that does not exist", async () => {
    const err = await stripeError(
      listPage({ starting_after: "fca_noSuchCursor" }),
      Stripe.errors.StripeInvalidRequestError,
    );
    expect(err.statusCode).toBeGreaterThanOrEqual(400);
    expect(err.param).toBe("starting_after");
  });
});

describe("transaction list pagination", () => {
  it("pages through an account's transactions without duplicates", async () => {
    const { stripe, control } = h();
    let account: string | undefined;
    let total = 0;
    for (const c of await control.customers()) {
      for (const id of c.accounts) {
        const all = await stripe.financialConnections.transactions
          .list({ account: id, limit: 100 })
          .autoPagingToArray({ limit: 1000 });
        if (all.length > total) {
          total = all.length;
          account = id;
        }
      }
    }
    expect(total).toBeGreaterThan(1);
    const paged = await stripe.financialConnections.transactions
      .list({ account: account ?? "", limit: 1 })
      .autoPagingToArray({ limit: 1000 });
    const ids = paged.map((t) => t.id);
    expect(ids).toHaveLength(total);
    expect(new Set(ids).size).toBe(total);
  });
});

describe("transaction list filters", () => {
  it("transacted_at[gte] returns exactly the transactions at or after that time", async () => {
    const { stripe, control } = h();
    let best: Stripe.FinancialConnections.Transaction[] = [];
    for (const c of await control.customers()) {
      for (const id of c.accounts) {
        const all = await stripe.financialConnections.transactions
          .list({ account: id, limit: 100 })
          .autoPagingToArray({ limit: 1000 });
        if (
          new Set(all.map((t) => t.transacted_at)).size >
          new Set(best.map((t) => t.transacted_at)).size
        ) {
          best = all;
        }
      }
    }
    const times = [...new Set(best.map((t) => t.transacted_at))].sort((a, b) => a - b);
    expect(times.length).toBeGreaterThan(1);
    const pivot = times[Math.floor(times.length / 2)] ?? 0;
    const expected = best.filter((t) => t.transacted_at >= pivot).map((t) => t.id);
    const filtered = await stripe.financialConnections.transactions
      .list({ account: best[0]?.account ?? "", transacted_at: { gte: pivot }, limit: 100 })
      .autoPagingToArray({ limit: 1000 });
    expect(new Set(filtered.map((t) => t.id))).toEqual(new Set(expected));
    expect(expected.length).toBeLessThan(best.length);
  });
});

describe("institution list pagination", () => {
  it("limit=1 pages with starting_after visit every institution once, in list order", async () => {
    const { stripe } = h();
    const all = await rawRequest(stripe, "GET", "/v1/financial_connections/institutions", {
      limit: 100,
    });
    const expected = listData(all).map((i) => pick(i, "id"));
    expect(expected.length).toBeGreaterThan(1);
    const walked: unknown[] = [];
    let cursor: unknown;
    for (let i = 0; i <= expected.length; i += 1) {
      const page = await rawRequest(stripe, "GET", "/v1/financial_connections/institutions", {
        limit: 1,
        ...(cursor ? { starting_after: cursor } : {}),
      });
      const data = listData(page);
      walked.push(...data.map((x) => pick(x, "id")));
      if (pick(page, "has_more") !== true) break;
      cursor = pick(data.at(-1), "id");
    }
    expect(walked).toEqual(expected);
  });
});
