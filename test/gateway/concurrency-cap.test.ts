import { setImmediate as nextTurnOfTheEventLoop } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { createDataAccess } from "../../src/data/data-access.js";
import type { StripeAccount } from "../../src/stripe/wire-types.js";
import { fakeFcApi } from "../support/fake-fc-api.js";

/**
 * A stand-in for Stripe behind the FcApi interface that counts how many retrievals are in flight
 * at once (the sandbox cannot observe one operation's concurrency from outside). Each retrieval
 * stays in flight until the event loop's next turn: every call the limiter lets start in this
 * turn starts before any finishes, so the peak is exactly what the limiter allows, with no timing.
 */
function countingStripe() {
  let inFlight = 0;
  let peak = 0;
  const retrieveAccount = async (id: string) => {
    inFlight++;
    peak = Math.max(peak, inFlight);
    await nextTurnOfTheEventLoop();
    inFlight--;
    return {
      id,
      object: "financial_connections.account",
      account_holder: { type: "customer", customer: "cus_cap" },
    } as unknown as StripeAccount;
  };
  return { fc: fakeFcApi({ retrieveAccount }), peak: () => peak };
}

describe("Stripe concurrency per operation", () => {
  it.each([1, 3, 8])(
    "never has more than %i Stripe calls in flight for one operation",
    async (cap) => {
      const stripe = countingStripe();
      const data = createDataAccess({
        fc: stripe.fc,
        viewer: { customerId: "cus_cap" },
        maxConcurrency: cap,
      });
      const ids = Array.from({ length: 24 }, (_, index) => `fca_cap${index}`);
      const accounts = await Promise.all(ids.map((id) => data.account(id)));
      expect(accounts.map((account) => account.id)).toEqual(ids);
      expect(stripe.peak()).toBe(cap);
    },
  );
});
