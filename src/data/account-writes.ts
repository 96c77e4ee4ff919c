import { randomUUID } from "node:crypto";
import type { LimitFunction } from "p-limit";
import { markChecked } from "../read-model/checked-at.js";
import type { FcApi, StripeRefreshFeature } from "../stripe/fc-api.js";
import type { StripeAccount, StripeAuthorization } from "../stripe/wire-types.js";
import { answerFor } from "./answer-identity.js";
import type { Loaders } from "./create-loaders.js";
import type { Tenancy } from "./tenancy.js";
import { fromStripeFailure } from "./upstream-failure.js";
import type { WriteThrough } from "./write-through.js";

/** Account actions on an account previously read through the data access (checked again here). */
export interface AccountWrites {
  refreshAccount(account: StripeAccount, features: StripeRefreshFeature[]): Promise<StripeAccount>;
  disconnectAccount(account: StripeAccount): Promise<StripeAccount>;
  subscribeTransactions(account: StripeAccount): Promise<StripeAccount>;
  unsubscribeTransactions(account: StripeAccount): Promise<StripeAccount>;
}

/** What the account actions of one operation work with. */
export interface AccountWritesOptions {
  fc: FcApi;
  limit: LimitFunction;
  tenancy: Tenancy;
  writeThrough: WriteThrough;
  loaders(): Loaders;
  /** Reads an authorization as Stripe has it now, and stores it (the data access's). */
  currentAuthorization(id: string): Promise<StripeAuthorization>;
}

/**
 * The account actions of one operation. Each runs with a fresh idempotency key, and the account
 * it returns is written through and served by the operation's later reads; an answer about
 * another account than the one acted on is refused (UpstreamRejectedError).
 */
export function accountWritesOf(options: AccountWritesOptions): AccountWrites {
  const { fc, limit, tenancy, writeThrough, loaders, currentAuthorization } = options;
  const act = async (
    account: StripeAccount,
    action: (accountId: string, idempotencyKey: string) => Promise<StripeAccount>,
  ): Promise<StripeAccount> => {
    await tenancy.owned("account", account.id, async () => account);
    const checkedAt = Date.now();
    const answer = await limit(() => action(account.id, randomUUID())).catch((error: unknown) => {
      throw fromStripeFailure(error, "account", account.id);
    });
    const updated = answerFor(answer, account.id);
    await writeThrough.store(markChecked(updated, checkedAt), checkedAt);
    loaders().account.clear(account.id).prime(account.id, updated);
    return updated;
  };
  return {
    refreshAccount: (account, features) =>
      act(account, (id, key) => fc.refreshAccount(id, features, key)),
    disconnectAccount: async (account) => {
      const updated = await act(account, (id, key) => fc.disconnectAccount(id, key));
      // Disconnecting an authorization's last account disconnects the authorization, and no
      // event says so: it is read anew (and stored), so this answer and later ones show it.
      if (typeof updated.authorization === "string")
        await currentAuthorization(updated.authorization).catch(() => {});
      return updated;
    },
    subscribeTransactions: (account) =>
      act(account, (id, key) => fc.subscribeTransactions(id, key)),
    unsubscribeTransactions: (account) =>
      act(account, (id, key) => fc.unsubscribeTransactions(id, key)),
  };
}
