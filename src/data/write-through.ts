import { checkedAtOfObject, markChecked } from "../read-model/checked-at.js";
import type { ReadModel } from "../read-model/read-model.js";
import type { StripeAccount, StripeSession } from "../stripe/wire-types.js";
import type { Loaders } from "./create-loaders.js";
import { isHeldByCustomer } from "./ownership.js";
import type { Tenancy } from "./tenancy.js";

/**
 * What one operation learnt of the viewer's accounts outside its account reads (an action's
 * answer, a finished relink session's accounts), written through to the read model and served
 * by the operation's later reads.
 */
export interface WriteThrough {
  /** A newer state of an account this operation obtained elsewhere (a session's), if any. */
  obtained(id: string): StripeAccount | undefined;
  /** The list with the newer states of `obtained` in it (and obtained ones it lacks), newest first. */
  withObtained(accounts: StripeAccount[]): StripeAccount[];
  /**
   * Takes in the accounts a session read at `checkedAt` carries (those the viewer holds): stored
   * (newer wins), added to the customer's set, and served by this operation's later reads.
   */
  takeSessionAccounts(session: StripeSession, checkedAt: number): Promise<void>;
  /** Stores an account the viewer now holds (after an action), so later reads see it. */
  store(account: StripeAccount, checkedAt: number): Promise<void>;
}

/** What the write-through of one operation works with. */
export interface WriteThroughOptions {
  readModel: ReadModel | undefined;
  tenancy: Tenancy;
  /** The operation's loaders (built on first use), primed with what is taken in. */
  loaders(): Loaders;
}

/** The write-through of one operation (see WriteThrough). */
export function writeThroughOf({ readModel, tenancy, loaders }: WriteThroughOptions): WriteThrough {
  /** Accounts this operation obtained outside its account reads (a session's), by id. */
  const obtained = new Map<string, StripeAccount>();
  return {
    obtained: (id) => obtained.get(id),
    withObtained: (accounts) => {
      if (obtained.size === 0) return accounts;
      const now = Date.now();
      const byId = new Map(accounts.map((account) => [account.id, account]));
      for (const [id, account] of obtained) {
        const listed = byId.get(id);
        if (
          listed === undefined ||
          checkedAtOfObject(account, now) >= checkedAtOfObject(listed, now)
        )
          byId.set(id, account);
      }
      return [...byId.values()].sort((a, b) => (b.created ?? 0) - (a.created ?? 0));
    },
    takeSessionAccounts: async (session, checkedAt) => {
      const { customerId } = tenancy.viewer();
      for (const account of session.accounts?.data ?? []) {
        if (!isHeldByCustomer(account, customerId)) continue;
        markChecked(account, checkedAt);
        obtained.set(account.id, account);
        loaders().account.clear(account.id).prime(account.id, account);
        if (readModel !== undefined) {
          await readModel.put("account", customerId, account, checkedAt);
          await readModel.addToSet(customerId, account.id);
        }
      }
    },
    store: async (account, checkedAt) => {
      const { customerId } = tenancy.viewer();
      if (readModel !== undefined && isHeldByCustomer(account, customerId))
        await readModel.put("account", customerId, account, checkedAt);
    },
  };
}
