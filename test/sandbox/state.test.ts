/** Account actions through the API change what later reads of the account see. */
import { describe, expect, it } from "vitest";
import { useHarness } from "../support/sandbox-harness.js";
import { pick } from "../support/stripe-json.js";

const { h } = useHarness();

async function freshAccount(): Promise<{ customer: string; account: string }> {
  const customer = await h().control.createCustomer({ accounts: 1, authorizations: 1 });
  return { customer: customer.id, account: customer.accounts[0] ?? "" };
}

describe("customers created with the control API", () => {
  it("own N active accounts spread round-robin over M authorizations", async () => {
    const created = await h().control.createCustomer({
      name: "Round Robin",
      accounts: 5,
      authorizations: 2,
    });
    expect(created.accounts).toHaveLength(5);
    expect(created.authorizations).toHaveLength(2);
    const listed = (await h().control.customers()).find((c) => c.id === created.id);
    const { events, ...described } = created;
    expect(listed).toEqual(described);
    expect(events).toHaveLength(5);
    expect(created.name).toBe("Round Robin");
    const perAuthorization = new Map<unknown, number>();
    for (const id of created.accounts) {
      const acc = await h().stripe.financialConnections.accounts.retrieve(id);
      expect(acc.status).toBe("active");
      expect(pick(acc, "account_holder", "customer")).toBe(created.id);
      const auth = pick(acc, "authorization");
      expect(created.authorizations).toContain(auth);
      perAuthorization.set(auth, (perAuthorization.get(auth) ?? 0) + 1);
    }
    expect([...perAuthorization.values()].sort()).toEqual([2, 3]);
  });
});

describe("account state through the API", () => {
  it("disconnect makes later retrieves and lists report the account disconnected", async () => {
    const { customer, account } = await freshAccount();
    const accounts = h().stripe.financialConnections.accounts;
    expect((await accounts.retrieve(account)).status).toBe("active");
    const answered = await accounts.disconnect(account);
    expect(answered.status).toBe("disconnected");
    expect((await accounts.retrieve(account)).status).toBe("disconnected");
    const listed = await accounts.list({ account_holder: { customer } });
    expect(listed.data.find((a) => a.id === account)?.status).toBe("disconnected");
  });

  it("refresh of the balance records an attempt that later reads see", async () => {
    const { account } = await freshAccount();
    const accounts = h().stripe.financialConnections.accounts;
    const before = Math.floor(Date.now() / 1000);
    const answered = await accounts.refresh(account, { features: ["balance"] });
    expect(answered.balance_refresh?.status).toMatch(/^(pending|succeeded)$/);
    const read = await accounts.retrieve(account);
    expect(read.balance_refresh?.last_attempted_at).toBeGreaterThanOrEqual(before);
    expect(read.balance_refresh?.status).toMatch(/^(pending|succeeded)$/);
  });

  it("refresh of transactions and ownership records those attempts", async () => {
    const { account } = await freshAccount();
    const accounts = h().stripe.financialConnections.accounts;
    const before = Math.floor(Date.now() / 1000);
    await accounts.refresh(account, { features: ["transactions", "ownership"] });
    const read = await accounts.retrieve(account);
    expect(read.transaction_refresh?.last_attempted_at).toBeGreaterThanOrEqual(before);
    expect(read.ownership_refresh?.last_attempted_at).toBeGreaterThanOrEqual(before);
  });

  it("subscribe adds the feature to subscriptions and unsubscribe removes it", async () => {
    const { account } = await freshAccount();
    const accounts = h().stripe.financialConnections.accounts;
    const subscribed = await accounts.subscribe(account, { features: ["transactions"] });
    expect(subscribed.subscriptions).toContain("transactions");
    expect((await accounts.retrieve(account)).subscriptions).toContain("transactions");
    const unsubscribed = await accounts.unsubscribe(account, { features: ["transactions"] });
    expect(unsubscribed.subscriptions ?? []).not.toContain("transactions");
    expect((await accounts.retrieve(account)).subscriptions ?? []).not.toContain("transactions");
  });

  it("one account's actions leave its siblings untouched", async () => {
    const customer = await h().control.createCustomer({ accounts: 2, authorizations: 1 });
    const [target, sibling] = customer.accounts;
    const accounts = h().stripe.financialConnections.accounts;
    await accounts.disconnect(target ?? "");
    await accounts.subscribe(target ?? "", { features: ["transactions"] }).catch(() => undefined);
    const other = await accounts.retrieve(sibling ?? "");
    expect(other.status).toBe("active");
    expect(other.subscriptions ?? []).not.toContain("transactions");
  });

  it("accounts carry their authorization, which lists the same institution", async () => {
    const { account } = await freshAccount();
    const acc = await h().stripe.financialConnections.accounts.retrieve(account);
    const authorization = pick(acc, "authorization");
    expect(typeof authorization).toBe("string");
    const auth: unknown = await h().stripe.rawRequest(
      "GET",
      `/v1/financial_connections/authorizations/${String(authorization)}`,
    );
    expect(pick(auth, "institution_name")).toBe(acc.institution_name);
    expect(pick(auth, "status")).toBe("active");
  });
});
