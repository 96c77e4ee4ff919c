import { fromStripeError } from "../graphql/errors.js";
import type { FcApi } from "../stripe/fc-api.js";
import type { StripeAccount } from "../stripe/wire-types.js";

/**
 * Reads for the webhook path, which acts for no viewer: it learns the customer from the object it
 * reads (the account holder) and publishes only to that customer. Never handed to resolvers.
 */
export interface SystemReader {
  /** The account as Stripe shows it now; rejects with a coded error (NOT_FOUND, UPSTREAM_…). */
  account(accountId: string): Promise<StripeAccount>;
}

/** Builds the webhook path's reader over the gateway's FcApi. */
export function createSystemReader(fc: FcApi): SystemReader {
  return {
    account: (accountId) =>
      fc.retrieveAccount(accountId).catch((error: unknown) => {
        throw fromStripeError(error, "account", accountId);
      }),
  };
}
