import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SANDBOX_DEV_API_KEY } from "../../src/shared/sandbox-defaults.js";
import { graphql, startStack, type TestStack } from "../support/gateway.js";
import { seededCustomers } from "../support/sandbox-control.js";

let stack: TestStack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.close());

interface RawAccount {
  id: string;
  status: string;
  status_details?: {
    active?: { action: string; expected_deactivation_date: number } | null;
    inactive?: { action: string; cause: string } | null;
  };
}

/** The state a frontend must see for a raw Stripe account, written out independently of the gateway's code. */
function expectedState(account: RawAccount): string {
  if (account.status === "disconnected") return "DISCONNECTED";
  if (account.status === "active") return account.status_details?.active ? "EXPIRING" : "HEALTHY";
  return account.status_details?.inactive?.action === "relink_required"
    ? "RELINK_REQUIRED"
    : "INACTIVE_NOT_REPAIRABLE";
}

async function rawAccount(id: string): Promise<RawAccount> {
  const response = await fetch(`${stack.sandbox.url}/v1/financial_connections/accounts/${id}`, {
    headers: { authorization: `Bearer ${SANDBOX_DEV_API_KEY}` },
  });
  return (await response.json()) as RawAccount;
}

describe("account health over the seeded data", () => {
  it("derives the right state for every seeded account, and the seed covers every state", async () => {
    const seen = new Set<string>();
    for (const customer of await seededCustomers(stack)) {
      const response = await graphql<{
        accounts: {
          nodes: {
            id: string;
            health: { state: string; message: string; expectedDeactivationAt: string | null };
          }[];
        };
      }>(
        stack,
        "{ accounts(first: 100) { nodes { id health { state message expectedDeactivationAt } } } }",
        {},
        customer.id,
      );
      expect(response.errors).toBeUndefined();
      for (const node of response.data?.accounts.nodes ?? []) {
        const raw = await rawAccount(node.id);
        expect(node.health.state, node.id).toBe(expectedState(raw));
        if (node.health.state === "EXPIRING") {
          const expected = raw.status_details?.active?.expected_deactivation_date ?? 0;
          expect(node.health.expectedDeactivationAt).toBe(new Date(expected * 1000).toISOString());
        }
        seen.add(node.health.state);
      }
    }
    expect([...seen].sort()).toEqual(
      ["DISCONNECTED", "EXPIRING", "HEALTHY", "INACTIVE_NOT_REPAIRABLE", "RELINK_REQUIRED"].sort(),
    );
  });

  it("filters the viewer's accounts by health and by needsAttention", async () => {
    const [customer] = await seededCustomers(stack);
    const all = await graphql<{
      accounts: { nodes: { id: string; health: { state: string; needsAttention: boolean } }[] };
    }>(
      stack,
      "{ accounts(first: 100) { nodes { id health { state needsAttention } } } }",
      {},
      customer?.id,
    );
    const filtered = await graphql<{ accounts: { nodes: { id: string }[] } }>(
      stack,
      "{ broken: accounts(filter: { health: [RELINK_REQUIRED] }) { nodes { id } } attention: accounts(filter: { needsAttention: true }) { nodes { id } } }",
      {},
      customer?.id,
    );
    const nodes = all.data?.accounts.nodes ?? [];
    const data = filtered.data as unknown as Record<string, { nodes: { id: string }[] }>;
    expect(data.broken?.nodes.map((node) => node.id)).toEqual(
      nodes.filter((node) => node.health.state === "RELINK_REQUIRED").map((node) => node.id),
    );
    expect(data.attention?.nodes.map((node) => node.id)).toEqual(
      nodes.filter((node) => node.health.needsAttention).map((node) => node.id),
    );
    expect(data.broken?.nodes.length).toBeGreaterThan(0);
  });
});
