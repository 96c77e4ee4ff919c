import { fromStripeError } from "../graphql/errors.js";
import type { FcApi } from "../stripe/fc-api.js";
import type { StripeAccount } from "../stripe/wire-types.js";

/**
 * Reads for the webhook path, which acts for no viewer: it learns the customer from the object it
 * reads (the account holder) and publishes only to that customer. Never handed to resolvers.
 */
export interface SystemReader {
  /**
   * The account as Stripe shows it now, or null when Stripe no longer has it (404
   * `resource_missing`); rejects with a coded error (NOT_FOUND for any other 404, UPSTREAM_…).
   */
  account(accountId: string): Promise<StripeAccount | null>;
}

/** Stripe's answer for an id it does not know: 404 with code `resource_missing`, nothing else. */
function isResourceMissing(error: unknown): boolean {
  const shape = (typeof error === "object" && error !== null ? error : {}) as {
    statusCode?: unknown;
    code?: unknown;
  };
  return shape.statusCode === 404 && shape.code === "resource_missing";
}

/** Builds the webhook path's reader over the gateway's FcApi. */
export function createSystemReader(fc: FcApi): SystemReader {
  return {
    account: (accountId) =>
      fc.retrieveAccount(accountId).catch((error: unknown) => {
        if (isResourceMissing(error)) return null;
        throw fromStripeError(error, "account", accountId);
      }),
  };
}
