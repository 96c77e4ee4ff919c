import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { graphql, startStack, type TestStack } from "../support/gateway.js";
import { coldCustomer } from "../support/read-model.js";
import { controlOf, ROUTES, requestCounts, resetRequests } from "../support/sandbox-control.js";
import { waitFor } from "../support/wait.js";

const DASHBOARD = /* GraphQL */ `
  query Dashboard($refresh: Boolean) {
    accounts(first: 100, refresh: $refresh) {
      nodes { id status checkedAt authorization { id checkedAt } }
    }
  }
`;
interface Node {
  id: string;
  status: string;
  checkedAt: string;
  authorization: { id: string; checkedAt: string } | null;
}
interface Dashboard {
  accounts: { nodes: Node[] };
}

describe("freshness: checkedAt and refresh", () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startStack({ env: { RATE_LIMIT_COST_PER_MINUTE: "10000000" } });
  });
  afterAll(async () => {
    await controlOf(stack).setWebhookMode("deliver");
    await stack.close();
  });

  const dashboard = async (customerId: string, refresh = false) => {
    const answer = await graphql<Dashboard>(stack, DASHBOARD, { refresh }, customerId);
    expect(answer.errors).toBeUndefined();
    return answer.data?.accounts.nodes ?? [];
  };

  it("checkedAt is when the gateway read Stripe: a warm read shows the cold read's time", async () => {
    const customer = await coldCustomer(stack, 2, 1);
    await resetRequests(stack);
    const before = Date.now();
    const coldAnswer = await graphql<Dashboard>(stack, DASHBOARD, {}, customer.id);
    const after = Date.now();
    expect(coldAnswer.errors).toBeUndefined();
    // A fresh answer carries no staleness notice.
    expect(
      (coldAnswer as { extensions?: { readModel?: unknown } }).extensions?.readModel,
    ).toBeUndefined();
    // The cold read went to Stripe, and is dated by when it did.
    expect((await requestCounts(stack)).routes[ROUTES.listAccounts]).toBe(1);
    const cold = coldAnswer.data?.accounts.nodes ?? [];
    expect(cold).toHaveLength(2);
    for (const node of cold) {
      const checkedAt = Date.parse(node.checkedAt);
      expect(checkedAt).toBeGreaterThanOrEqual(before);
      expect(checkedAt).toBeLessThanOrEqual(after);
      const authorizationCheckedAt = Date.parse(node.authorization?.checkedAt ?? "");
      expect(authorizationCheckedAt).toBeGreaterThanOrEqual(before);
      expect(authorizationCheckedAt).toBeLessThanOrEqual(after);
    }
    // The warm read is answered from the read model (no Stripe call) and shows the cold read's time.
    await resetRequests(stack);
    const warm = await dashboard(customer.id);
    expect((await requestCounts(stack)).total).toBe(0);
    expect(warm).toEqual(cold);
  });

  it("refresh: true reads Stripe now (a change whose webhook was dropped), at the cold cost", async () => {
    const customer = await coldCustomer(stack, 2, 1);
    const [accountId] = customer.accounts as [string];
    await dashboard(customer.id);
    await controlOf(stack).setWebhookMode("drop");
    await controlOf(stack).account(accountId, "deactivate");
    expect((await dashboard(customer.id)).find((n) => n.id === accountId)?.status).toBe("ACTIVE");

    await resetRequests(stack);
    const refreshed = await dashboard(customer.id, true);
    expect(refreshed.find((node) => node.id === accountId)?.status).toBe("INACTIVE");
    const counts = await requestCounts(stack);
    expect(counts.routes[ROUTES.listAccounts]).toBe(1);
    expect(counts.routes[ROUTES.retrieveAuthorization]).toBe(1);
    // What the refresh read is kept: the next plain read shows it without a Stripe call.
    await resetRequests(stack);
    expect((await dashboard(customer.id)).find((n) => n.id === accountId)?.status).toBe("INACTIVE");
    expect((await requestCounts(stack)).total).toBe(0);
    await controlOf(stack).setWebhookMode("deliver");
  });
});

describe("an object older than READ_MODEL_MAX_AGE_S is served, then revalidated", () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startStack({
      env: { READ_MODEL_MAX_AGE_S: "1", RATE_LIMIT_COST_PER_MINUTE: "10000000" },
    });
  });
  afterAll(async () => {
    await controlOf(stack).setWebhookMode("deliver");
    await stack.close();
  });

  it("serves the stale copy, revalidates in the background, and later reads see Stripe's state", async () => {
    const customer = await coldCustomer(stack, 1, 1);
    const [accountId] = customer.accounts as [string];
    const read = async () => {
      const answer = await graphql<Dashboard>(stack, DASHBOARD, {}, customer.id);
      return answer.data?.accounts.nodes[0];
    };
    const first = await read();
    await controlOf(stack).setWebhookMode("drop");
    await controlOf(stack).account(accountId, "deactivate");
    // Until the copy is older than the max age, it is served as it is.
    await waitFor(
      () => (Date.now() - Date.parse(first?.checkedAt ?? "") > 1_000 ? true : undefined),
      "the stored copy to pass READ_MODEL_MAX_AGE_S",
    );
    await resetRequests(stack);
    const staleAnswer = await graphql<Dashboard>(stack, DASHBOARD, {}, customer.id);
    const stale = staleAnswer.data?.accounts.nodes[0];
    expect(stale?.status).toBe("ACTIVE");
    // Never silently: the answer says a copy older than the max age was served, and since when.
    expect((staleAnswer as { extensions?: unknown }).extensions).toMatchObject({
      readModel: { stale: true, oldestCheckedAt: first?.checkedAt },
    });
    const revalidated = await waitFor(async () => {
      const node = await read();
      return node?.status === "INACTIVE" ? node : undefined;
    }, "a read showing the revalidated state");
    expect(Date.parse(revalidated.checkedAt)).toBeGreaterThan(Date.parse(first?.checkedAt ?? ""));
    const metrics = await (await fetch(`${stack.gateway.url}/metrics`)).text();
    expect(metrics).toMatch(/fc_gateway_read_model_revalidations_total\{kind="accounts"\} [1-9]/);
    expect(metrics).toMatch(
      /fc_gateway_read_model_lookups_total\{kind="accounts",outcome="stale"\} [1-9]/,
    );
  });
});
