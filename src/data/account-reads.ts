import { checkedAtOfObject } from "../read-model/checked-at.js";
import type { ReadModel } from "../read-model/read-model.js";
import type { StripeAccount, StripeAuthorization } from "../stripe/wire-types.js";
import type { Loaders } from "./create-loaders.js";
import type { FencedOperation } from "./fenced-operation.js";
import type { Pages } from "./pages.js";
import type { RefreshMode } from "./refresh-budget.js";
import type { StaleServed } from "./stale-served.js";
import type { Tenancy } from "./tenancy.js";
import type { WriteThrough } from "./write-through.js";

/** How a read may be served. */
export interface ReadOptions {
  /**
   * Ask Stripe now (and store the answer), not the read model; so do the operation's later reads.
   * Spends one of the customer's refreshes (RATE_LIMIT_REFRESHES_PER_MINUTE) per operation.
   */
  refresh?: boolean;
  /**
   * The read is a mutation's precondition check (an account action, a relink session's target):
   * it refreshes without spending the refresh budget, since the mutation's own cost
   * (GRAPHQL_MAX_COST, the cost budget) prices it.
   */
  forAction?: boolean;
}

/** One operation's reads of the viewer's accounts and authorizations (see DataAccess). */
export interface AccountReads {
  account(id: string, options?: ReadOptions): Promise<StripeAccount>;
  authorization(id: string): Promise<StripeAuthorization>;
  adopt(account: StripeAccount): Promise<StripeAccount>;
  viewerAccounts(options?: ReadOptions): Promise<StripeAccount[]>;
}

/** What the account reads of one operation work with. */
export interface AccountReadsOptions {
  readModel: ReadModel | undefined;
  tenancy: Tenancy;
  refresh: RefreshMode;
  stale: StaleServed;
  pages: Pages;
  writeThrough: WriteThrough;
  fencing: FencedOperation;
  loaders(): Loaders;
}

/** The account reads of one operation (see AccountReads). */
export function accountReadsOf(options: AccountReadsOptions): AccountReads {
  const { readModel, tenancy, refresh, stale, pages, writeThrough, fencing, loaders } = options;
  let allAccounts: Promise<StripeAccount[]> | undefined;
  /** Stripe's list, stored in place of the read model's (the fences did not allow that one). */
  const relist = (model: ReadModel, customerId: string) =>
    model
      .accounts(customerId, () => pages.listAll(customerId), true)
      .then((fresh) => {
        for (const account of fresh) loaders().account.clear(account.id).prime(account.id, account);
        return fresh;
      });
  return {
    account: async (id, options = {}) => {
      if (options.refresh && (await refresh.begin({ spend: options.forAction !== true }))) {
        loaders().account.clear(id);
        loaders().authorization.clearAll();
      }
      return tenancy.owned("account", id, (key) => loaders().account.load(key));
    },
    authorization: (id) =>
      tenancy.owned("authorization", id, (key) => loaders().authorization.load(key)),
    adopt: async (account) => {
      const adopted = await tenancy.owned("account", account.id, async () => account);
      loaders().account.clear(account.id).prime(account.id, adopted);
      return adopted;
    },
    viewerAccounts: async (options = {}) => {
      const { customerId } = tenancy.viewer();
      if (options.refresh && (await refresh.begin())) allAccounts = undefined;
      allAccounts ??=
        readModel === undefined
          ? pages.listAll(customerId)
          : readModel
              .accounts(customerId, () => pages.listAll(customerId), refresh.isOn())
              .then((accounts) => {
                const now = readModel.now();
                for (const account of accounts) {
                  const checkedAt = checkedAtOfObject(account, now);
                  if (now - checkedAt > readModel.maxAgeMs) stale.note(checkedAt);
                  loaders().account.prime(account.id, account);
                }
                return accounts;
              });
      return allAccounts.then(async (accounts) =>
        writeThrough.withObtained(
          readModel === undefined
            ? accounts
            : await fencing.list(accounts, () => relist(readModel, customerId)),
        ),
      );
    },
  };
}
