/** The seed size option generates thousands of accounts for benchmarks, deterministically. */
import Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SandboxHandle, startSandbox } from "../../src/sandbox/server.js";

interface ControlCustomer {
  id: string;
  accounts: string[];
  authorizations: string[];
}

const customersOf = async (sandbox: SandboxHandle) =>
  ((await (await fetch(`${sandbox.url}/_sandbox/customers`)).json()) as { data: ControlCustomer[] })
    .data;

describe("SANDBOX_SEED_SIZE / seedSize", () => {
  let plain: SandboxHandle;
  let large: SandboxHandle;
  let again: SandboxHandle;
  beforeAll(async () => {
    [plain, large, again] = await Promise.all([
      startSandbox({ port: 0 }),
      startSandbox({ port: 0, seedSize: 3_000 }),
      startSandbox({ port: 0, seedSize: 3_000 }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([plain, large, again].map((sandbox) => sandbox?.close()));
  });

  it("adds exactly seedSize accounts on generated customers, the same on every start", async () => {
    const base = await customersOf(plain);
    const seeded = await customersOf(large);
    const count = (customers: ControlCustomer[]) =>
      customers.reduce((sum, customer) => sum + customer.accounts.length, 0);
    expect(count(seeded) - count(base)).toBe(3_000);
    expect(await customersOf(again)).toEqual(seeded);
  });

  it("serves the generated accounts through the real SDK, across pages", async () => {
    const bulk = (await customersOf(large)).find(
      (customer) => customer.id.startsWith("cus_Bulk") && customer.accounts.length > 0,
    );
    expect(bulk).toBeDefined();
    const stripe = new Stripe("sk_test_seedSize", {
      host: "127.0.0.1",
      port: large.port,
      protocol: "http",
    });
    const listed = await stripe.financialConnections.accounts
      .list({ account_holder: { customer: bulk?.id ?? "" }, limit: 3 })
      .autoPagingToArray({ limit: 1_000 });
    expect(listed.map((account) => account.id).sort()).toEqual([...(bulk?.accounts ?? [])].sort());
  });
});
