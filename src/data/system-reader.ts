import type { FcApi } from "../stripe/fc-api.js";
import type { StripeAccount, StripeAuthorization } from "../stripe/wire-types.js";
import { NotFoundError } from "./errors.js";
import { fromStripeFailure } from "./upstream-failure.js";

/**
 * Reads for the webhook path, which acts for no viewer: it learns the customer from the object it
 * reads (the account holder) and publishes only to that customer. Never handed to resolvers.
 */
export interface SystemReader {
  /**
   * The account as Stripe shows it now, or null when Stripe no longer has it (`resource_missing`,
   * and only that); rejects with an Upstream… error of data/errors.ts, Stripe's error kept as
   * `cause`.
   */
  account(accountId: string): Promise<StripeAccount | null>;
  /** The authorization as Stripe shows it now, or null when Stripe no longer has it (as `account`). */
  authorization(authorizationId: string): Promise<StripeAuthorization | null>;
}

/** Builds the webhook path's reader over the gateway's FcApi. */
export function createSystemReader(fc: FcApi): SystemReader {
  const orNull =
    (kind: "account" | "authorization", id: string) =>
    (error: unknown): null => {
      const failure = fromStripeFailure(error, kind, id);
      if (failure instanceof NotFoundError) return null;
      throw failure;
    };
  return {
    account: (accountId) => fc.retrieveAccount(accountId).catch(orNull("account", accountId)),
    authorization: (authorizationId) =>
      fc.retrieveAuthorization(authorizationId).catch(orNull("authorization", authorizationId)),
  };
}
