import type { AuthorizationStatus } from "../../src/generated/graphql.js";
import { accountStatus } from "../../src/graphql/resolvers/account.js";
import { connectionOf } from "../../src/graphql/resolvers/connection.js";
import { DateTime, fromEpoch, MinorUnits } from "../../src/graphql/resolvers/scalars.js";
import { deriveAccountHealth } from "../../src/health/account-health.js";
import { deriveAuthorizationHealth } from "../../src/health/authorization-health.js";
import type { FcApi } from "../../src/stripe/fc-api.js";
import { toOpenEnum } from "../../src/stripe/open-enum.js";
import { clampFirst } from "../../src/stripe/paging.js";
import type { StripeAccount, StripeAuthorization } from "../../src/stripe/wire-types.js";

/** One operation's context in the naive server: the Stripe calls and the viewer's customer. */
export interface NaiveContext {
  fc: FcApi;
  /** From the development header; null when absent or malformed. */
  customerId: string | null;
}

/** What the naive server passes down for an account: its id alone, as a list of ids gives it. */
interface AccountRef {
  id: string;
}

const AUTHORIZATION_STATUSES = [
  "ACTIVE",
  "INACTIVE",
  "DISCONNECTED",
] as const satisfies readonly AuthorizationStatus[];

/** An Account field resolver that re-retrieves the account from Stripe, then reads it. */
const fromAccount =
  <T>(read: (account: StripeAccount) => T) =>
  async (ref: AccountRef, _args: unknown, { fc }: NaiveContext): Promise<T> =>
    read(await fc.retrieveAccount(ref.id));

/**
 * The "one call per field" resolver set the bench compares the gateway with: what a schema over
 * Stripe looks like without DataLoader and without priming. `accounts` lists one Stripe page and
 * keeps only the ids; every Account field that needs data retrieves its account again; the
 * `authorization` field retrieves its account (for the authorization id) and then its
 * authorization. Authorization fields read the object they were given. Nothing is cached,
 * batched or capped, so a dashboard of N accounts costs 1 + 5 N Stripe calls.
 *
 * Only the fields a dashboard reads are resolved (plus cheap ones); filters, `after`, transactions,
 * owners, balances and the other roots are not, because the bench never asks for them.
 */
export const naiveResolvers = {
  DateTime,
  MinorUnits,
  Node: { __resolveType: () => "Account" },
  Query: {
    accounts: async (
      _root: unknown,
      args: { first?: number | null },
      { fc, customerId }: NaiveContext,
    ) => {
      if (customerId === null) throw new Error("Sign in to read accounts.");
      const page = await fc.listAccounts(customerId, { limit: clampFirst(args.first, 50) });
      const refs: AccountRef[] = page.data.map((account) => ({ id: account.id }));
      return connectionOf(refs, page.has_more, false);
    },
  },
  Account: {
    displayName: fromAccount((account) => account.display_name),
    institutionName: fromAccount((account) => account.institution_name),
    last4: fromAccount((account) => account.last4),
    status: fromAccount(accountStatus),
    health: fromAccount(deriveAccountHealth),
    createdAt: fromAccount((account) => fromEpoch(account.created)),
    livemode: fromAccount((account) => account.livemode),
    authorization: async (
      ref: AccountRef,
      _args: unknown,
      { fc }: NaiveContext,
    ): Promise<StripeAuthorization | null> => {
      const account = await fc.retrieveAccount(ref.id);
      return account.authorization ? fc.retrieveAuthorization(account.authorization) : null;
    },
  },
  Authorization: {
    institutionName: (authorization: StripeAuthorization) => authorization.institution_name,
    status: (authorization: StripeAuthorization) =>
      toOpenEnum(AUTHORIZATION_STATUSES, authorization.status),
    health: (authorization: StripeAuthorization) => deriveAuthorizationHealth(authorization),
  },
};

/** Stripe calls the naive resolvers make for one dashboard query over `accounts` accounts (one page). */
export const expectedNaiveCalls = (accounts: number): number => 1 + 5 * accounts;
