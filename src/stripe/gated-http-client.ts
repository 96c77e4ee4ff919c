import Stripe from "stripe";
import type { StripeLimiter } from "./token-bucket.js";

/** The HTTP client shape stripe-node accepts as its `httpClient` option. */
type HttpClient = NonNullable<Stripe.StripeConfig["httpClient"]>;

/**
 * stripe-node's Node HTTP client behind `limiter`: every request the SDK sends waits for a token
 * first. This is the one place that sees every attempt, so the gateway's own 429 retries (which
 * call the SDK again) and stripe-node's network retries (including the closed-connection retry it
 * makes even with `maxNetworkRetries: 0`) each take a token when they go out.
 */
export function createGatedHttpClient(limiter: StripeLimiter): HttpClient {
  const inner = Stripe.createNodeHttpClient();
  return {
    getClientName: () => inner.getClientName(),
    makeRequest: (...args) => limiter.schedule(() => inner.makeRequest(...args)),
  };
}
