/**
 * The gateway's direct GraphQL-over-HTTP path against the same gateway with Apollo answering every
 * request (`directHttp: false`), on one sandbox, in production posture: the answers a client gets
 * (status, body, Content-Type, Cache-Control, Retry-After) for a dashboard with its cost report, a
 * refusal before the context (no token, a token of the wrong kind), a document over the cost
 * limit, a spent cost budget (429 with Retry-After) and a masked suggestion.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signToken } from "../../src/auth/sign-token.js";
import { type GatewayConfig, loadConfig } from "../../src/config/config.js";
import { createLogger } from "../../src/observability/logger.js";
import { type GatewayHandle, startGateway } from "../../src/server/gateway.js";
import { FAST_RATE_LIMIT_RETRY, startStack, type TestStack } from "../support/gateway.js";
import { PRODUCTION_ENV } from "../support/production-env.js";
import { createCustomer } from "../support/sandbox-control.js";

const ENV = {
  ...PRODUCTION_ENV,
  STRIPE_MAX_RETRIES: "0",
  LOG_LEVEL: "silent",
  GRAPHQL_MAX_COST: "300",
  RATE_LIMIT_COST_PER_MINUTE: "1000",
};

const DASHBOARD =
  "query Small { accounts(first: 10) { nodes { id status health { state } authorization { id status } } } }";

let stack: TestStack;
let direct: GatewayHandle;
let viaApollo: GatewayHandle;
let config: GatewayConfig;

beforeAll(async () => {
  stack = await startStack({ env: ENV });
  config = loadConfig(ENV);
  const start = (directHttp: boolean) =>
    startGateway({
      config,
      logger: createLogger("silent"),
      stripeApiBase: stack.sandbox.url,
      rateLimitRetry: FAST_RATE_LIMIT_RETRY,
      port: 0,
      directHttp,
    });
  [direct, viaApollo] = await Promise.all([start(true), start(false)]);
});
afterAll(async () => {
  await direct?.close();
  await viaApollo?.close();
  await stack?.close();
});

/** What an answer says in its head besides its body (the request id is the caller's, echoed). */
const HEADERS = [
  "content-type",
  "cache-control",
  "retry-after",
  "vary",
  "x-request-id",
  "content-security-policy",
  "strict-transport-security",
  "x-content-type-options",
  "x-frame-options",
  "referrer-policy",
];

async function answerOf(
  gateway: GatewayHandle,
  body: unknown,
  headers: Record<string, string>,
): Promise<{ status: number; headers: Record<string, string | null>; body: string }> {
  const response = await fetch(`${gateway.url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-request-id": "parity-1", ...headers },
    body: JSON.stringify(body),
  });
  const picked: Record<string, string | null> = {};
  for (const name of HEADERS) {
    picked[name] = response.headers.get(name);
  }
  // Each gateway keeps its own budget: its reset time and the seconds until then are its own.
  const text = (await response.text())
    .replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, "(time)")
    .replace(/"retryAfter":\d+/g, '"retryAfter":"(seconds)"');
  const retryAfter = picked["retry-after"];
  if (retryAfter) picked["retry-after"] = retryAfter.replace(/^\d+$/, "(seconds)");
  return { status: response.status, headers: picked, body: text };
}

/** The same request to both gateways, one after the other (each keeps its own budget). */
async function both(body: unknown, headers: Record<string, string>) {
  return {
    direct: await answerOf(direct, body, headers),
    apollo: await answerOf(viaApollo, body, headers),
  };
}

describe("the gateway answers the same with and without Apollo's request pipeline", () => {
  it.each([
    ["no Accept", {}],
    ["Accept application/graphql-response+json", { accept: "application/graphql-response+json" }],
  ])(
    "a dashboard with its cost report, a cost-limit refusal, a spent budget (%s)",
    async (_name, accept) => {
      const customer = await createCustomer(stack, 3, 2);
      const headers = {
        authorization: `Bearer ${await signToken(config.auth, { customerId: customer.id })}`,
        ...accept,
      };
      const dashboard = await both({ query: DASHBOARD }, headers);
      expect(dashboard.direct.status).toBe(200);
      expect(dashboard.direct.headers).toMatchObject({
        vary: "Origin",
        "x-request-id": "parity-1",
        "x-content-type-options": "nosniff",
      });
      expect(JSON.parse(dashboard.direct.body).extensions?.cost).toBeDefined();
      expect(dashboard.direct).toEqual(dashboard.apollo);

      const tooCostly = await both(
        {
          query:
            "{ accounts(first: 100) { nodes { id } } a2: accounts(first: 100) { nodes { id } } }",
        },
        headers,
      );
      expect(tooCostly.direct.status).toBe(400);
      expect(tooCostly.direct).toEqual(tooCostly.apollo);

      const suggestion = await both({ query: "{ acounts { nodes { id } } }" }, headers);
      expect(suggestion.direct.status).toBe(400);
      expect(suggestion.direct.body).not.toMatch(/Did you mean/);
      expect(suggestion.direct).toEqual(suggestion.apollo);

      // Spend the budget on both, the same way, until one answer is refused.
      let spent: Awaited<ReturnType<typeof both>> | undefined;
      for (let attempt = 0; attempt < 50 && spent === undefined; attempt += 1) {
        const answer = await both({ query: DASHBOARD }, headers);
        expect(answer.direct.status).toBe(answer.apollo.status);
        if (answer.direct.status === 429) spent = answer;
      }
      expect(spent?.direct.headers["retry-after"]).toBe("(seconds)");
      expect(spent?.direct).toEqual(spent?.apollo);
    },
  );

  it.each([
    ["no token", {}],
    ["a token that does not verify", { authorization: "Bearer abc.def.ghi" }],
  ])("refuses %s", async (_name, headers) => {
    const answer = await both({ query: "{ __typename }" }, headers);
    expect(answer.direct.status).toBe(401);
    expect(answer.direct).toEqual(answer.apollo);
  });
});
