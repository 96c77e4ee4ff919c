import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SANDBOX_DEV_API_KEY } from "../../src/shared/sandbox-defaults.js";
import { graphql, LogSink, startStack, type TestStack } from "../support/gateway.js";
import { control, createCustomer } from "../support/sandbox-control.js";
import { createRelinkSession, expectNoClientSecretIn } from "./relink-helpers.js";

const sink = new LogSink();
let stack: TestStack;
beforeAll(async () => {
  stack = await startStack({ logSink: sink });
});
afterAll(() => stack.close());

const OUTCOME = /* GraphQL */ `
  query Outcome($id: ID!) {
    relinkSession(id: $id) {
      status
      outcome
      reconciliation {
        reactivatedAccounts { id status health { state } }
        stillInactiveAccounts { id status }
        newAccounts { id status authorization { id } }
      }
    }
  }
`;

interface OutcomeData {
  relinkSession: {
    status: string;
    outcome: string;
    reconciliation: {
      reactivatedAccounts: { id: string; status: string; health: { state: string } }[];
      stillInactiveAccounts: { id: string }[];
      newAccounts: { id: string; authorization: { id: string } }[];
    } | null;
  };
}

const ids = (list: { id: string }[] | undefined) => (list ?? []).map((item) => item.id).sort();

/**
 * One authorization with several accounts, all broken by an expired login, except one whose
 * account was closed (which no relink repairs). Returns the customer and the ids.
 */
async function brokenAuthorization() {
  const customer = await createCustomer(stack, 4, 1);
  const [closed, expired, ...rest] = customer.accounts as [string, string, ...string[]];
  await control(stack, "POST", `/_sandbox/accounts/${closed}/deactivate`, {
    cause: "account_closed",
    action: "none",
  });
  await control(stack, "POST", `/_sandbox/accounts/${expired}/deactivate`, {
    cause: "access_expired",
    action: "relink_required",
  });
  return {
    customer,
    closed,
    repairable: [expired, ...rest].sort(),
    all: [...customer.accounts].sort(),
  };
}

async function relinkAndComplete(outcome: string) {
  const setup = await brokenAuthorization();
  const created = await createRelinkSession(stack, setup.customer.id, {
    authorizationId: setup.customer.authorizations[0],
    permissions: ["BALANCES", "TRANSACTIONS"],
  });
  const sessionId = created.relinkSession?.id ?? "";
  const pending = await graphql<OutcomeData>(stack, OUTCOME, { id: sessionId }, setup.customer.id);
  expect(pending.data?.relinkSession).toMatchObject({
    status: "PENDING",
    outcome: "PENDING",
    reconciliation: null,
  });
  await control(stack, "POST", `/_sandbox/sessions/${sessionId}/complete`, { outcome });
  const done = await graphql<OutcomeData>(stack, OUTCOME, { id: sessionId }, setup.customer.id);
  expect(done.errors).toBeUndefined();
  return { ...setup, session: done.data?.relinkSession };
}

/** The authorization's accounts as Stripe (the sandbox) sees them now. */
async function stripeStatuses(accountIds: string[]) {
  return Object.fromEntries(
    await Promise.all(
      accountIds.map(async (id) => {
        const response = await fetch(
          `${stack.sandbox.url}/v1/financial_connections/accounts/${id}`,
          {
            headers: { authorization: `Bearer ${SANDBOX_DEV_API_KEY}` },
          },
        );
        return [id, ((await response.json()) as { status: string }).status];
      }),
    ),
  );
}

describe("relink outcomes, one authorization with several accounts", () => {
  it("relinked: the repairable accounts are active again, the closed one is still inactive", async () => {
    const { session, repairable, closed } = await relinkAndComplete("relinked");
    expect(session).toMatchObject({ status: "SUCCEEDED", outcome: "RELINKED" });
    expect(ids(session?.reconciliation?.reactivatedAccounts)).toEqual(repairable);
    expect(
      session?.reconciliation?.reactivatedAccounts.every(
        (account) => account.health.state === "HEALTHY",
      ),
    ).toBe(true);
    expect(ids(session?.reconciliation?.stillInactiveAccounts)).toEqual([closed]);
    expect(session?.reconciliation?.newAccounts).toEqual([]);
    const statuses = await stripeStatuses([...repairable, closed]);
    expect(repairable.map((id) => statuses[id])).toEqual(repairable.map(() => "active"));
    expect(statuses[closed]).toBe("inactive");
  });

  it("new_authorization: new accounts on a new authorization, the old ones all still inactive", async () => {
    const { session, all, customer } = await relinkAndComplete("new_authorization");
    expect(session).toMatchObject({ status: "SUCCEEDED", outcome: "NEW_AUTHORIZATION" });
    expect(session?.reconciliation?.reactivatedAccounts).toEqual([]);
    expect(ids(session?.reconciliation?.stillInactiveAccounts)).toEqual(all);
    const fresh = session?.reconciliation?.newAccounts ?? [];
    expect(fresh.length).toBeGreaterThan(0);
    expect(fresh.every((account) => !all.includes(account.id))).toBe(true);
    expect(fresh.every((account) => account.authorization.id !== customer.authorizations[0])).toBe(
      true,
    );
  });

  it.each([
    ["no_account", "NO_ACCOUNT_SELECTED"],
    ["no_authorization", "AUTHENTICATION_FAILED"],
    ["other", "OTHER_FAILURE"],
  ])("%s: maps to %s and nothing is reactivated", async (outcome, mapped) => {
    const { session, all } = await relinkAndComplete(outcome);
    expect(session).toMatchObject({ status: "FAILED", outcome: mapped });
    expect(session?.reconciliation?.reactivatedAccounts).toEqual([]);
    expect(ids(session?.reconciliation?.stillInactiveAccounts)).toEqual(all);
    expect(session?.reconciliation?.newAccounts).toEqual([]);
  });

  it("relinked for one named account: the session reports that account, its authorization repaired", async () => {
    const setup = await brokenAuthorization();
    const target = setup.repairable[0] ?? "";
    const created = await createRelinkSession(stack, setup.customer.id, {
      accountId: target,
      permissions: ["BALANCES"],
    });
    await control(stack, "POST", `/_sandbox/sessions/${created.relinkSession?.id}/complete`, {
      outcome: "relinked",
    });
    const done = await graphql<{
      relinkSession: { outcome: string; account: { id: string; status: string } };
    }>(
      stack,
      "query($id: ID!) { relinkSession(id: $id) { outcome account { id status } } }",
      { id: created.relinkSession?.id },
      setup.customer.id,
    );
    expect(done.data?.relinkSession).toEqual({
      outcome: "RELINKED",
      account: { id: target, status: "ACTIVE" },
    });
  });
});

describe("logs of the relink outcome tests", () => {
  it("contain no client secret", () => {
    expectNoClientSecretIn(sink);
  });
});
