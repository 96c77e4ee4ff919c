import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { graphql, startStack, type TestStack } from "../support/gateway.js";
import { type RecordingProxy, startRecordingProxy } from "../support/recording-proxy.js";
import { createCustomer } from "../support/sandbox-control.js";

/*
 * Issue 20, LOW: an account action's answer is an account with the id the action named. Stripe
 * never answers otherwise, but a Stripe-compatible stand-in might (stripe-mock answers with a new
 * id): the gateway must not store such an answer, nor hand it out as the account. The sandbox
 * cannot answer a wrong id by itself, so a proxy standing where Stripe would rewrites the id of
 * every account action's answer in this file.
 */

/** The id the proxy puts into every account action's answer. */
const WRONG_ID = "fca_NotTheAskedAccount01";
/** `POST /v1/financial_connections/accounts/{id}/{action}`: the account actions. */
const ACTION_PATH = /^\/v1\/financial_connections\/accounts\/[^/?]+\/[a-z_]+/;

let stack: TestStack;
let proxy: RecordingProxy;
beforeAll(async () => {
  stack = await startStack({
    upstream: async (sandboxUrl) => {
      proxy = await startRecordingProxy(sandboxUrl, (exchange) => {
        if (exchange.method !== "POST" || !ACTION_PATH.test(exchange.path)) return undefined;
        if (exchange.status !== 200) return undefined;
        return JSON.stringify({ ...JSON.parse(exchange.body), id: WRONG_ID });
      });
      return { url: `http://127.0.0.1:${proxy.port}`, close: proxy.close };
    },
  });
  // Webhooks would store the accounts' real states behind the test's back.
  stack.sandbox.setWebhookUrls([]);
});
afterAll(() => stack?.close());

describe("an account action answered with another account's id", () => {
  it.each([
    ["disconnectAccount", "AccountActionInput", {}],
    ["refreshAccount", "RefreshAccountInput", { features: ["BALANCE"] }],
  ])(
    "%s: the operation gets UPSTREAM_ERROR, and the answer is neither stored nor served",
    async (name, inputType, extra) => {
      const customer = await createCustomer(stack, 1, 1);
      const [accountId] = customer.accounts as [string];
      const before = await graphql<{ account: { id: string; status: string } }>(
        stack,
        "query($id: ID!) { account(id: $id) { id status } }",
        { id: accountId },
        customer.id,
      );
      expect(before.data?.account).toEqual({ id: accountId, status: "ACTIVE" });
      const answered = proxy.exchanges.length;

      const answer = await graphql(
        stack,
        `mutation($input: ${inputType}!) { ${name}(input: $input) { account { id status } userErrors { code } } }`,
        { input: { accountId, ...extra } },
        customer.id,
      );
      // The action reached the stand-in, which answered with another id.
      expect(
        proxy.exchanges.slice(answered).some((exchange) => ACTION_PATH.test(exchange.path)),
      ).toBe(true);
      expect(answer.errors?.map((error) => error.extensions?.code)).toEqual(["UPSTREAM_ERROR"]);
      expect(answer.data?.[name] ?? null).toBeNull();

      const store = stack.gateway.readModel.store;
      expect(await store.get("account", customer.id, WRONG_ID)).toBeUndefined();
      expect((await store.get("account", customer.id, accountId))?.object.id).toBe(accountId);
    },
  );
});
