import Stripe from "stripe";
import { currentTicket } from "./call-ticket.js";
import { type FairStripeLimiter, SYSTEM_CALLER } from "./fair-limiter.js";

/** The HTTP client shape stripe-node accepts as its `httpClient` option. */
type HttpClient = NonNullable<Stripe.StripeConfig["httpClient"]>;

/**
 * stripe-node's Node HTTP client behind `limiter`: every request the SDK sends takes a token.
 * This is the one place that sees every attempt, so stripe-node's network retries (including the
 * closed-connection retry it makes even with `maxNetworkRetries: 0`) each take one, in their
 * caller's turn and without the queue bounds (the call was already admitted). A call's first
 * request uses the token its admission took (see fc-api.ts); a request sent outside any FcApi
 * call waits as system work.
 */
export function createGatedHttpClient(limiter: FairStripeLimiter): HttpClient {
  const inner = Stripe.createNodeHttpClient();
  return {
    getClientName: () => inner.getClientName(),
    makeRequest: async (...args) => {
      const ticket = currentTicket();
      if (ticket?.prepaid === true) {
        ticket.prepaid = false;
      } else {
        await limiter.acquire(ticket?.caller ?? SYSTEM_CALLER, false);
      }
      return inner.makeRequest(...args);
    },
  };
}
