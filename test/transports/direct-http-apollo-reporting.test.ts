/**
 * Apollo Studio's usage reporting sees only the requests Apollo's request pipeline answers: with
 * APOLLO_KEY and APOLLO_GRAPH_REF set (`config.apolloUsageReporting`), every GraphQL POST goes
 * through that pipeline (`executeHTTPGraphQLRequest`, observed by a pass-through spy), and the key
 * is one of the secrets the logger blanks. Without them the common POST takes the direct path.
 */
import { Writable } from "node:stream";
import { ApolloServer } from "@apollo/server";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { signToken } from "../../src/auth/sign-token.js";
import { loadConfig } from "../../src/config/config.js";
import { knownSecretsOf } from "../../src/observability/known-secrets.js";
import { createLogger } from "../../src/observability/logger.js";
import { type GatewayHandle, startGateway } from "../../src/server/gateway.js";
import { FAST_RATE_LIMIT_RETRY, startStack, type TestStack } from "../support/gateway.js";
import { PRODUCTION_ENV } from "../support/production-env.js";

const ENV = { ...PRODUCTION_ENV, STRIPE_MAX_RETRIES: "0", LOG_LEVEL: "silent" };
const APOLLO_KEY = "service:fc-gateway:apollo-key-under-test-0123456789";
const STUDIO = { APOLLO_KEY, APOLLO_GRAPH_REF: "fc-gateway@current" };

let stack: TestStack;
const started: GatewayHandle[] = [];

beforeAll(async () => {
  stack = await startStack({ env: ENV });
});
afterEach(() => {
  vi.restoreAllMocks();
});
afterAll(async () => {
  await Promise.all(started.map((gateway) => gateway.close()));
  await stack?.close();
});

async function gatewayWith(env: Record<string, string>): Promise<GatewayHandle> {
  const gateway = await startGateway({
    // The config says whether reporting is on; Apollo itself reads process.env, left untouched.
    config: loadConfig({ ...ENV, ...env }),
    logger: createLogger("silent"),
    stripeApiBase: stack.sandbox.url,
    rateLimitRetry: FAST_RATE_LIMIT_RETRY,
    port: 0,
  });
  started.push(gateway);
  return gateway;
}

/** How many times Apollo's request pipeline ran for one `{ __typename }` POST with a token. */
async function apolloRunsForOnePost(gateway: GatewayHandle): Promise<number> {
  const token = await signToken(loadConfig(ENV).auth, { customerId: "cus_reporting" });
  const spy = vi.spyOn(ApolloServer.prototype, "executeHTTPGraphQLRequest");
  const response = await fetch(`${gateway.url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: "{ __typename }" }),
  });
  expect(response.status).toBe(200);
  expect(await response.json()).toMatchObject({ data: { __typename: "Query" } });
  const runs = spy.mock.calls.length;
  spy.mockRestore();
  return runs;
}

describe("Apollo's usage reporting and the direct HTTP path", () => {
  it("reads reporting as on only with both APOLLO_KEY and APOLLO_GRAPH_REF", () => {
    expect(loadConfig(ENV).apolloUsageReporting).toBe(false);
    expect(loadConfig({ ...ENV, APOLLO_KEY }).apolloUsageReporting).toBe(false);
    expect(loadConfig({ ...ENV, ...STUDIO }).apolloUsageReporting).toBe(true);
  });

  it("answers the common POST without Apollo's pipeline when reporting is off", async () => {
    expect(await apolloRunsForOnePost(await gatewayWith({}))).toBe(0);
  });

  it("sends every POST through Apollo's pipeline when reporting is on", async () => {
    expect(await apolloRunsForOnePost(await gatewayWith(STUDIO))).toBe(1);
  });

  it("blanks APOLLO_KEY in log lines", () => {
    const config = loadConfig({ ...ENV, ...STUDIO });
    expect(knownSecretsOf(config)).toContain(APOLLO_KEY);
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    createLogger("info", sink, knownSecretsOf(config)).info({ header: APOLLO_KEY }, "key seen");
    expect(lines.join("")).toContain("key seen");
    expect(lines.join("")).not.toContain(APOLLO_KEY);
  });
});
