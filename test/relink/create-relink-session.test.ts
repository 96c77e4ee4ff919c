import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { graphql, LogSink, startStack, type TestStack } from "../support/gateway.js";
import {
  control,
  createCustomer,
  requestCounts,
  resetRequests,
  type SandboxCustomer,
  seededCustomers,
} from "../support/sandbox-control.js";
import { CREATE, createRelinkSession, expectNoClientSecretIn } from "./relink-helpers.js";

const sink = new LogSink();
let stack: TestStack;
let alice: SandboxCustomer;
let bob: SandboxCustomer;
let broken: { id: string; authorization: string };

const SESSIONS_POST = "POST /v1/financial_connections/sessions";
const fault = (body: Record<string, unknown>) => control(stack, "POST", "/_sandbox/faults", body);

beforeAll(async () => {
  stack = await startStack({ logSink: sink });
  [alice, bob] = (await seededCustomers(stack)) as [SandboxCustomer, SandboxCustomer];
  const response = await graphql<{
    accounts: { nodes: { id: string; authorization: { id: string } }[] };
  }>(
    stack,
    "{ accounts(filter: { health: [RELINK_REQUIRED] }) { nodes { id authorization { id } } } }",
    {},
    alice.id,
  );
  const first = response.data?.accounts.nodes[0];
  if (!first) throw new Error("the seed has no RELINK_REQUIRED account for Alice");
  broken = { id: first.id, authorization: first.authorization.id };
});
afterAll(() => stack.close());

describe("createRelinkSession", () => {
  it("creates a session for an account: relink_options on its authorization and account, a client secret, no errors", async () => {
    const payload = await createRelinkSession(stack, alice.id, {
      accountId: broken.id,
      permissions: ["BALANCES", "TRANSACTIONS"],
      accountSubcategories: ["CHECKING"],
      returnUrl: "https://app.example/relinked",
    });
    expect(payload.userErrors).toEqual([]);
    expect(payload.clientSecret).toMatch(/^fcsess_\w+_secret_\w+$/);
    expect(payload.relinkSession).toMatchObject({
      status: "PENDING",
      outcome: "PENDING",
      permissions: ["BALANCES", "TRANSACTIONS"],
      authorization: { id: broken.authorization },
      account: { id: broken.id },
    });
  });

  it("creates a session for a whole authorization, held by the viewer", async () => {
    const payload = await createRelinkSession(stack, alice.id, {
      authorizationId: broken.authorization,
      permissions: ["BALANCES"],
    });
    expect(payload.userErrors).toEqual([]);
    expect(payload.relinkSession).toMatchObject({
      authorization: { id: broken.authorization },
      account: null,
    });
    const raw = (await (
      await fetch(
        `${stack.sandbox.url}/v1/financial_connections/sessions/${payload.relinkSession?.id}`,
        {
          headers: { authorization: "Bearer sk_test_check" },
        },
      )
    ).json()) as {
      account_holder: { customer: string };
      relink_options: { authorization: string };
    };
    expect(raw.account_holder.customer).toBe(alice.id);
    expect(raw.relink_options.authorization).toBe(broken.authorization);
  });

  it("returns the same session when the same input is retried within the window", async () => {
    const input = { accountId: broken.id, permissions: ["OWNERSHIP"] };
    const first = await createRelinkSession(stack, alice.id, input);
    const retry = await createRelinkSession(stack, alice.id, input);
    expect(retry.relinkSession?.id).toBe(first.relinkSession?.id);
    expect(retry.clientSecret).toBe(first.clientSecret);
    const different = await createRelinkSession(stack, alice.id, {
      ...input,
      permissions: ["BALANCES", "OWNERSHIP"],
    });
    expect(different.relinkSession?.id).not.toBe(first.relinkSession?.id);
  });

  it("honours a caller's idempotency key, and refuses it reused with other input", async () => {
    const key = `retry-${Date.now()}`;
    const first = await createRelinkSession(stack, alice.id, {
      accountId: broken.id,
      permissions: ["BALANCES"],
      idempotencyKey: key,
    });
    const again = await createRelinkSession(stack, alice.id, {
      accountId: broken.id,
      permissions: ["BALANCES"],
      idempotencyKey: key,
    });
    expect(again.relinkSession?.id).toBe(first.relinkSession?.id);
    const misuse = await createRelinkSession(stack, alice.id, {
      authorizationId: broken.authorization,
      permissions: ["BALANCES"],
      idempotencyKey: key,
    });
    expect(misuse.relinkSession).toBeNull();
    expect(misuse.userErrors.map((error) => error.code)).toEqual(["INVALID_IDEMPOTENCY_KEY"]);
  });

  it("reports Stripe's idempotency_error for the caller's key as INVALID_IDEMPOTENCY_KEY on the field", async () => {
    await fault({ status: 400, count: 1, route: SESSIONS_POST, type: "idempotency_error" });
    const payload = await createRelinkSession(stack, alice.id, {
      accountId: broken.id,
      permissions: ["OWNERSHIP"],
      idempotencyKey: `conflict-${Date.now()}`,
    });
    expect(payload.relinkSession).toBeNull();
    expect(payload.userErrors).toEqual([
      expect.objectContaining({
        code: "INVALID_IDEMPOTENCY_KEY",
        field: ["input", "idempotencyKey"],
      }),
    ]);
  });

  it("reports any other upstream 400, even with the caller's key, as a top-level UPSTREAM_ERROR, never as a bad idempotency key", async () => {
    await fault({
      status: 400,
      count: 1,
      route: SESSIONS_POST,
      code: "parameter_invalid_empty",
      param: "permissions",
    });
    const response = await graphql<{ createRelinkSession: unknown }>(
      stack,
      CREATE,
      {
        input: {
          accountId: broken.id,
          permissions: ["PAYMENT_METHOD"],
          idempotencyKey: `refused-${Date.now()}`,
        },
      },
      alice.id,
    );
    expect(response.data?.createRelinkSession).toBeNull();
    expect(response.errors?.map((error) => error.extensions?.code)).toEqual(["UPSTREAM_ERROR"]);
    expect(JSON.stringify(response)).not.toMatch(/INVALID_IDEMPOTENCY_KEY|idempotency/i);
  });

  it("reports an idempotency_error on the gateway's own key (the caller sent none) as UPSTREAM_ERROR, not a bad key the caller never sent", async () => {
    await fault({ status: 400, count: 1, route: SESSIONS_POST, type: "idempotency_error" });
    const response = await graphql<{ createRelinkSession: unknown }>(
      stack,
      CREATE,
      { input: { authorizationId: broken.authorization, permissions: ["TRANSACTIONS"] } },
      alice.id,
    );
    expect(response.data?.createRelinkSession).toBeNull();
    expect(response.errors?.map((error) => error.extensions?.code)).toEqual(["UPSTREAM_ERROR"]);
    expect(JSON.stringify(response)).not.toMatch(/idempotency/i);
  });
});

describe("createRelinkSession user errors: each code, and nothing created", () => {
  const cases: [string, () => Record<string, unknown>, string, string][] = [
    [
      "an unknown account",
      () => ({ accountId: "fca_NoSuchAccount01", permissions: ["BALANCES"] }),
      "NOT_FOUND",
      "accountId",
    ],
    [
      "another customer's account",
      () => ({ accountId: bob.accounts[0], permissions: ["BALANCES"] }),
      "NOT_FOUND",
      "accountId",
    ],
    [
      "another customer's authorization",
      () => ({ authorizationId: bob.authorizations[0], permissions: ["BALANCES"] }),
      "NOT_FOUND",
      "authorizationId",
    ],
    ["neither target", () => ({ permissions: ["BALANCES"] }), "INVALID_TARGET", "accountId"],
    [
      "both targets",
      () => ({
        accountId: broken.id,
        authorizationId: broken.authorization,
        permissions: ["BALANCES"],
      }),
      "INVALID_TARGET",
      "authorizationId",
    ],
    [
      "no permission",
      () => ({ accountId: broken.id, permissions: [] }),
      "INVALID_PERMISSIONS",
      "permissions",
    ],
    [
      "an UNKNOWN permission",
      () => ({ accountId: broken.id, permissions: ["UNKNOWN"] }),
      "INVALID_PERMISSIONS",
      "permissions",
    ],
    [
      "an unsupported subcategory",
      () => ({ accountId: broken.id, permissions: ["BALANCES"], accountSubcategories: ["OTHER"] }),
      "INVALID_SUBCATEGORIES",
      "accountSubcategories",
    ],
    [
      "a non-https return URL",
      () => ({ accountId: broken.id, permissions: ["BALANCES"], returnUrl: "ftp://files.example" }),
      "INVALID_RETURN_URL",
      "returnUrl",
    ],
    [
      "an empty idempotency key",
      () => ({ accountId: broken.id, permissions: ["BALANCES"], idempotencyKey: " " }),
      "INVALID_IDEMPOTENCY_KEY",
      "idempotencyKey",
    ],
  ];

  it.each(cases)(
    "%s gives %s on the field and creates no session",
    async (_name, input, code, field) => {
      await resetRequests(stack);
      const payload = await createRelinkSession(stack, alice.id, input());
      expect(payload.relinkSession).toBeNull();
      expect(payload.clientSecret).toBeNull();
      expect(payload.userErrors).toHaveLength(1);
      expect(payload.userErrors[0]).toMatchObject({ code, field: ["input", field] });
      expect((await requestCounts(stack)).routes[SESSIONS_POST] ?? 0).toBe(0);
    },
  );

  it.each([
    ["account_closed", "none"],
    ["disconnect", null],
  ])(
    "refuses an account that a relink cannot repair (%s) with NOT_REPAIRABLE",
    async (cause, action) => {
      const customer = await createCustomer(stack, 2, 1);
      const [target] = customer.accounts;
      if (cause === "disconnect")
        await control(stack, "POST", `/_sandbox/accounts/${target}/disconnect`);
      else
        await control(stack, "POST", `/_sandbox/accounts/${target}/deactivate`, { cause, action });
      await resetRequests(stack);
      const payload = await createRelinkSession(stack, customer.id, {
        accountId: target,
        permissions: ["BALANCES"],
      });
      expect(payload.userErrors.map((error) => error.code)).toEqual(["NOT_REPAIRABLE"]);
      expect((await requestCounts(stack)).routes[SESSIONS_POST] ?? 0).toBe(0);
    },
  );

  it("never exposes the client secret on RelinkSession", async () => {
    const response = await graphql(
      stack,
      "query($id: ID!) { relinkSession(id: $id) { clientSecret } }",
      { id: "fcsess_x" },
      alice.id,
    );
    expect(response.status).toBe(400);
    expect(response.errors?.[0]?.extensions?.code).toBe("GRAPHQL_VALIDATION_FAILED");
  });
});

describe("logs of the relink tests", () => {
  it("contain no client secret", () => {
    expectNoClientSecretIn(sink);
  });
});
