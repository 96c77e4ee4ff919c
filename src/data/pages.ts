import type { LimitFunction } from "p-limit";
import type { FcApi, PageParams } from "../stripe/fc-api.js";
import type {
  StripeAccount,
  StripeAccountOwner,
  StripeList,
  StripeTransaction,
} from "../stripe/wire-types.js";
import type { Loaders } from "./create-loaders.js";
import type { ObjectKind } from "./errors.js";
import { isHeldByCustomer } from "./ownership.js";
import type { Tenancy } from "./tenancy.js";
import { fromStripeFailure } from "./upstream-failure.js";

/** Stripe's largest page: listing a customer's N accounts costs ceil(N / 100) calls. */
const STRIPE_MAX_PAGE = 100;

/** One operation's paged reads of Stripe lists, each item checked against the viewer. */
export interface Pages {
  /** All of a customer's accounts from Stripe (page by page), priming the account loader. */
  listAll(customerId: string): Promise<StripeAccount[]>;
  /** A page of one of the viewer's accounts' transactions (others' left out and reported). */
  transactions(account: StripeAccount, page: PageParams): Promise<StripeList<StripeTransaction>>;
  /** A page of the owners of the account's ownership `ownershipId` (others left out). */
  owners(
    account: StripeAccount,
    ownershipId: string,
    page: PageParams,
  ): Promise<StripeList<StripeAccountOwner>>;
  /** One Stripe call under the operation's cap, its failure as the data layer's error for `id`. */
  call<T>(kind: ObjectKind, id: string, fetch: () => Promise<T>): Promise<T>;
}

/** What the paged reads of one operation work with. */
export interface PagesOptions {
  fc: FcApi;
  limit: LimitFunction;
  tenancy: Tenancy;
  loaders(): Loaders;
}

/** The paged reads of one operation (see Pages). */
export function pagesOf({ fc, limit, tenancy, loaders }: PagesOptions): Pages {
  const call = <T>(kind: ObjectKind, id: string, fetch: () => Promise<T>) =>
    limit(fetch).catch((error: unknown) => {
      throw fromStripeFailure(error, kind, id);
    });
  return {
    call,
    listAll: async (customerId) => {
      const accounts: StripeAccount[] = [];
      let startingAfter: string | undefined;
      for (;;) {
        const page = await limit(() =>
          fc.listAccounts(customerId, { limit: STRIPE_MAX_PAGE, startingAfter }),
        ).catch((error: unknown) => {
          throw fromStripeFailure(error, "customer", customerId);
        });
        const own = tenancy.onlyOwn(page, "account", (a) => isHeldByCustomer(a, customerId));
        for (const account of own.data) {
          loaders().account.prime(account.id, account);
          accounts.push(account);
        }
        // Stripe's cursor is the last item Stripe sent, whoever holds it.
        const last = page.data.at(-1);
        if (!page.has_more || last === undefined) return accounts;
        startingAfter = last.id;
      }
    },
    transactions: async (account, page) => {
      await tenancy.owned("account", account.id, async () => account);
      const answer = await call("account", account.id, () => fc.listTransactions(account.id, page));
      return tenancy.onlyOwn(
        answer,
        "transaction",
        (transaction) => transaction.account === account.id,
      );
    },
    owners: async (account, ownershipId, page) => {
      await tenancy.owned("account", account.id, async () => account);
      const answer = await call("account", account.id, () =>
        fc.listOwners(account.id, ownershipId, page),
      );
      return tenancy.onlyOwn(answer, "owner", (owner) => owner.ownership === ownershipId);
    },
  };
}
