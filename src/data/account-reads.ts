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
  /**
   * What `viewerAccounts()` (without `refresh`) would answer, at once, when it could only answer
   * the read model's list in memory: the operation's first list, not refreshing, its fences
   * loaded (now, from a fence store in the process) and none, no relink session read of it in
   * flight, and a full list of the customer's in a store in the process, none of it older than
   * READ_MODEL_MAX_AGE_S. Its accounts are primed, and `viewerAccounts` answers the same list.
   * Otherwise undefined, and nothing happened.
   */
  viewerAccountsNow(): StripeAccount[] | undefined;
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
  /**
   * The accounts of the read model's lists, to prime the account loader with: each is primed when
   * a read of it asks (`account`), before the loader answers. Every read of the loader goes
   * through `account`, and its one `clear` without a `prime` (a refresh) forgets the id here too:
   * the loader answers as if each had been primed when listed (a prime never replaces an entry,
   * so the first list naming an id wins). Lists wait in `unsorted` until a read or a refresh asks
   * (then sorted into `listed` in the order they came): a warm dashboard reads no account by id,
   * and sorts none.
   */
  const listed = new Map<string, StripeAccount>();
  const unsorted: StripeAccount[][] = [];
  const sorted = () => {
    for (const accounts of unsorted.splice(0))
      for (const account of accounts) if (!listed.has(account.id)) listed.set(account.id, account);
    return listed;
  };
  const primeListed = (id: string) => {
    const account = sorted().get(id);
    if (account === undefined) return;
    listed.delete(id);
    loaders().account.prime(id, account);
  };
  /** The read model's list as the operation took it: noted when stale (`fresh`: none is). */
  const taken = (model: ReadModel, accounts: StripeAccount[], fresh = false) => {
    if (!fresh) {
      const now = model.now();
      for (const account of accounts) {
        const checkedAt = checkedAtOfObject(account, now);
        if (now - checkedAt > model.maxAgeMs) stale.note(checkedAt);
      }
    }
    unsorted.push(accounts);
    return accounts;
  };
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
        sorted().delete(id);
        loaders().account.clear(id);
        loaders().authorization.clearAll();
      }
      return tenancy.owned("account", id, (key) => {
        primeListed(key);
        return loaders().account.load(key);
      });
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
              .then((accounts) => taken(readModel, accounts));
      return allAccounts.then(async (accounts) =>
        writeThrough.withObtained(
          readModel === undefined
            ? accounts
            : await fencing.list(accounts, () => relist(readModel, customerId)),
        ),
      );
    },
    viewerAccountsNow: () => {
      // Unfenced, with nothing to wait for: `fencing.list` would answer the list as it is.
      if (readModel === undefined || allAccounts !== undefined || refresh.isOn()) return undefined;
      if (fencing.fences?.unfencedNow() !== true) return undefined;
      const accounts = readModel.accountsNow(tenancy.viewer().customerId);
      if (accounts === undefined) return undefined;
      // `accountsNow` answers only a list none of whose accounts is stale.
      allAccounts = Promise.resolve(taken(readModel, accounts, true));
      return writeThrough.withObtained([...accounts]);
    },
  };
}
