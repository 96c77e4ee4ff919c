import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createStripeClient } from "../../src/stripe/client.js";
import { createFairLimiter } from "../../src/stripe/fair-limiter.js";
import { createFcApi } from "../../src/stripe/fc-api.js";
import { DEFAULT_RATE_LIMIT_RETRY } from "../../src/stripe/rate-limit-retry.js";

/** Every request's headers, as the server received them. */
const received: IncomingHttpHeaders[] = [];
const server = createServer((request, response) => {
  received.push(request.headers);
  response.setHeader("content-type", "application/json");
  response.end(JSON.stringify({ id: "fcauth_1", object: "financial_connections.authorization" }));
});
let apiBase = "";
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  apiBase = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const limiter = () =>
  createFairLimiter({
    refillPerSecond: 1_000,
    capacity: 100,
    maxQueuePerCaller: 100,
    maxWaitMs: 1_000,
  });
const clientOptions = {
  apiKey: "sk_test_clientHeaders",
  apiVersion: "2025-01-01.preview",
  timeoutMs: 5_000,
  maxNetworkRetries: 0,
};

describe("the gateway's Stripe client with its limiter", () => {
  it("never sends the call ticket's header (it only tells the gated HTTP client whose call it is)", async () => {
    const stripe = createStripeClient({ ...clientOptions, apiBase, limiter: limiter() });
    const from = received.length;
    const fc = createFcApi(stripe, DEFAULT_RATE_LIMIT_RETRY, () => {}, { limiter: limiter() });
    await fc.retrieveAuthorization("fcauth_1");
    await fc.retrieveAccount("fca_1");
    await fc.refreshAccount("fca_1", ["balance"], "key-1");
    const names = received.slice(from).flatMap((headers) => Object.keys(headers));
    expect(names.length).toBeGreaterThan(0);
    expect(names.filter((name) => name.includes("ticket"))).toEqual([]);
  });
});
