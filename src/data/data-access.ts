import { randomUUID } from "node:crypto";
import pLimit from "p-limit";
import { codedError, fromStripeError, notFound } from "../graphql/errors.js";
import { createLoaders, type LoaderBatchListener } from "../loaders/create-loaders.js";
import type {
  CreatedSession,
  CreateSessionParams,
  FcApi,
  PageParams,
  StripeRefreshFeature,
} from "../stripe/fc-api.js";
import type {
  StripeAccount,
  StripeAccountOwner,
  StripeAuthorization,
  StripeList,
  StripeSession,
  StripeTransaction,
} from "../stripe/wire-types.js";
import { isHeldByCustomer } from "./ownership.js";
import type { Viewer } from "./viewer.js";

/** Stripe's largest page: listing a customer's N accounts costs ceil(N / 100) calls. */
const STRIPE_MAX_PAGE = 100;

/**
 * The gate between resolvers and Stripe, created once per operation. Every object it returns
 * belongs to the viewer's customer; anything else rejects with the same NOT_FOUND error a
 * missing id gets. Queries, mutations and subscriptions all read through it.
 */
export interface DataAccess {
  /** The viewer, or a rejection with UNAUTHENTICATED when the operation has none. */
  viewer(): Viewer;
  account(id: string): Promise<StripeAccount>;
  authorization(id: string): Promise<StripeAuthorization>;
  session(id: string): Promise<StripeSession>;
  /**
   * Takes an account read elsewhere (a webhook's re-read) into this operation: rejects with
   * NOT_FOUND unless the viewer holds it, then primes `account` with it.
   */
  adopt(account: StripeAccount): Promise<StripeAccount>;
  /** All of the viewer's accounts, newest first; fetched once per operation and primes `account`. */
  viewerAccounts(): Promise<StripeAccount[]>;
  /** A page of one of the viewer's accounts' transactions (the account is checked first). */
  transactions(account: StripeAccount, page: PageParams): Promise<StripeList<StripeTransaction>>;
  /** A page of the owners of the account's latest ownership. */
  owners(
    account: StripeAccount,
    ownershipId: string,
    page: PageParams,
  ): Promise<StripeList<StripeAccountOwner>>;
  /**
   * Creates a relink session held by the viewer. The caller names what to repair; the holder is
   * always the viewer. Primes `session` with the new session (without its secret).
   */
  createSession(
    params: Omit<CreateSessionParams, "customerId">,
    idempotencyKey: string,
  ): Promise<CreatedSession>;
  /** Account actions on an account previously read through `account` (checked again here). */
  refreshAccount(account: StripeAccount, features: StripeRefreshFeature[]): Promise<StripeAccount>;
  disconnectAccount(account: StripeAccount): Promise<StripeAccount>;
  subscribeTransactions(account: StripeAccount): Promise<StripeAccount>;
  unsubscribeTransactions(account: StripeAccount): Promise<StripeAccount>;
}

/** What one operation's data access is built from. */
export interface DataAccessOptions {
  fc: FcApi;
  viewer: Viewer | null;
  /** Most Stripe calls this operation may have in flight at once. */
  maxConcurrency: number;
  /** Told each loader batch's size (metrics). */
  onLoaderBatch?: LoaderBatchListener;
}

/** Builds the per-operation data access (its loaders and concurrency cap are its own). */
export function createDataAccess({
  fc,
  viewer,
  maxConcurrency,
  onLoaderBatch,
}: DataAccessOptions): DataAccess {
  const limit = pLimit(maxConcurrency);
  const loaders = createLoaders(fc, limit, onLoaderBatch);
  let allAccounts: Promise<StripeAccount[]> | undefined;

  const requireViewer = (): Viewer => {
    if (viewer === null) throw codedError("UNAUTHENTICATED", "Sign in to read accounts.");
    return viewer;
  };
  const owned = async <T extends Parameters<typeof isHeldByCustomer>[0]>(
    kind: string,
    id: string,
    load: (id: string) => Promise<T>,
  ): Promise<T> => {
    const { customerId } = requireViewer();
    const object = await load(id);
    if (!isHeldByCustomer(object, customerId)) throw notFound(kind, id);
    return object;
  };
  const listAll = async (customerId: string): Promise<StripeAccount[]> => {
    const accounts: StripeAccount[] = [];
    let startingAfter: string | undefined;
    for (;;) {
      const page = await limit(() =>
        fc.listAccounts(customerId, { limit: STRIPE_MAX_PAGE, startingAfter }),
      ).catch((error: unknown) => {
        throw fromStripeError(error, "account", customerId);
      });
      for (const account of page.data) {
        loaders.account.prime(account.id, account);
        accounts.push(account);
      }
      const last = page.data.at(-1);
      if (!page.has_more || last === undefined) return accounts;
      startingAfter = last.id;
    }
  };
  /** Runs one account action with a fresh idempotency key and caches the account it returns. */
  const act = async (
    account: StripeAccount,
    action: (accountId: string, idempotencyKey: string) => Promise<StripeAccount>,
  ): Promise<StripeAccount> => {
    await owned("account", account.id, async () => account);
    const updated = await limit(() => action(account.id, randomUUID())).catch((error: unknown) => {
      throw fromStripeError(error, "account", account.id);
    });
    loaders.account.clear(account.id).prime(account.id, updated);
    return updated;
  };
  const checkedPage = async <T>(kind: string, id: string, fetch: () => Promise<T>) =>
    limit(fetch).catch((error: unknown) => {
      throw fromStripeError(error, kind, id);
    });

  return {
    viewer: requireViewer,
    account: (id) => owned("account", id, (key) => loaders.account.load(key)),
    authorization: (id) => owned("authorization", id, (key) => loaders.authorization.load(key)),
    session: (id) => owned("session", id, (key) => loaders.session.load(key)),
    adopt: async (account) => {
      const adopted = await owned("account", account.id, async () => account);
      loaders.account.clear(account.id).prime(account.id, adopted);
      return adopted;
    },
    viewerAccounts: () => {
      const { customerId } = requireViewer();
      allAccounts ??= listAll(customerId);
      return allAccounts;
    },
    transactions: async (account, page) => {
      await owned("account", account.id, async () => account);
      return checkedPage("account", account.id, () => fc.listTransactions(account.id, page));
    },
    owners: async (account, ownershipId, page) => {
      await owned("account", account.id, async () => account);
      return checkedPage("account", account.id, () => fc.listOwners(account.id, ownershipId, page));
    },
    createSession: async (params, idempotencyKey) => {
      const { customerId } = requireViewer();
      const created = await limit(() =>
        fc.createSession({ ...params, customerId }, idempotencyKey),
      ).catch((error: unknown) => {
        throw fromStripeError(error, "session", params.relinkAuthorization);
      });
      loaders.session.prime(created.session.id, created.session);
      return created;
    },
    refreshAccount: (account, features) =>
      act(account, (id, key) => fc.refreshAccount(id, features, key)),
    disconnectAccount: (account) => act(account, (id, key) => fc.disconnectAccount(id, key)),
    subscribeTransactions: (account) =>
      act(account, (id, key) => fc.subscribeTransactions(id, key)),
    unsubscribeTransactions: (account) =>
      act(account, (id, key) => fc.unsubscribeTransactions(id, key)),
  };
}
