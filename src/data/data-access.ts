import { randomUUID } from "node:crypto";
import pLimit, { type LimitFunction } from "p-limit";
import {
  createLoaders,
  type LoaderBatchListener,
  type LoaderStores,
} from "../loaders/create-loaders.js";
import { checkedAtOfObject, markChecked } from "../read-model/checked-at.js";
import type { ReadModel } from "../read-model/read-model.js";
import type { StoredObjects } from "../read-model/store.js";
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
import { answerFor } from "./answer-identity.js";
import { NotFoundError, type ObjectKind, UnauthenticatedError } from "./errors.js";
import { fencedStores, listMayServe } from "./fenced-reads.js";
import { lookUpWithinMissBudget } from "./miss-budget.js";
import { isHeldByCustomer } from "./ownership.js";
import { type OperationFences, operationFences } from "./read-your-writes.js";
import { createRefreshMode, type RefreshBudget } from "./refresh-budget.js";
import { fromStripeFailure } from "./upstream-failure.js";
import type { Viewer } from "./viewer.js";

/** Stripe's largest page: listing a customer's N accounts costs ceil(N / 100) calls. */
const STRIPE_MAX_PAGE = 100;

/**
 * The tenancy check between resolvers and Stripe, created once per operation. Every object it returns
 * belongs to the viewer's customer: a single object that does not rejects with the same
 * NotFoundError a missing id gets, and list answers are filtered (Stripe's own filters are not
 * trusted). Queries, mutations and subscriptions all read through it. Failures reject with the
 * classes of `./errors.ts` (Stripe's error kept as `cause`).
 */
export interface DataAccess {
  /** The viewer; throws UnauthenticatedError when the operation has none. */
  viewer(): Viewer;
  /**
   * The oldest `checkedAt` (ms) among the read model's objects this operation served that were
   * older than READ_MODEL_MAX_AGE_S (served, and revalidated in the background); undefined when
   * it served none. Answers say so in `extensions.readModel`.
   */
  oldestStaleServed(): number | undefined;
  /**
   * One of the viewer's accounts. With `refresh`, this and every later read of the operation asks
   * Stripe (not the read model) and stores the answer, once the customer's refresh budget allowed
   * it (else LookupBudgetExhaustedError). Ids the read model does not know are looked up within the
   * customer's miss budget, with `refresh` or without (see data/miss-budget.ts).
   */
  account(id: string, options?: ReadOptions): Promise<StripeAccount>;
  authorization(id: string): Promise<StripeAuthorization>;
  /**
   * One of the viewer's authorizations as Stripe has it now (read once per operation, whatever
   * the read model holds), stored in the read model and primed for `authorization`. For states
   * the gateway knows changed (a relink that succeeded) before any webhook said so.
   */
  currentAuthorization(id: string): Promise<StripeAuthorization>;
  /**
   * One of the viewer's relink sessions, read from Stripe within the customer's miss budget
   * (sessions are not stored: each read counts as a lookup of an unknown id). The accounts a
   * finished session carries are Stripe's state of them as of that read: they are written through to the read
   * model (newer wins; a new one joins the customer's account set) and served by this
   * operation's later reads, so a relink outcome is visible without waiting for its webhooks.
   */
  session(id: string): Promise<StripeSession>;
  /**
   * Takes an account read elsewhere (a webhook's re-read) into this operation: rejects with
   * NotFoundError unless the viewer holds it, then primes `account` with it.
   */
  adopt(account: StripeAccount): Promise<StripeAccount>;
  /**
   * All of the viewer's accounts, newest first; fetched once per operation and primes `account`.
   * An account in Stripe's answer that another holder holds is left out (and reported). Newer
   * states of accounts this operation obtained meanwhile (a relink session's) replace theirs.
   */
  viewerAccounts(options?: ReadOptions): Promise<StripeAccount[]>;
  /**
   * A page of one of the viewer's accounts' transactions (the account is checked first;
   * transactions of any other account in Stripe's answer are left out and reported).
   */
  transactions(account: StripeAccount, page: PageParams): Promise<StripeList<StripeTransaction>>;
  /** A page of the owners of the account's latest ownership (owners of another ownership left out). */
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

/** What one operation's data access is built from. */
export interface DataAccessOptions {
  fc: FcApi;
  viewer: Viewer | null;
  /** Most Stripe calls this operation may have in flight at once. */
  maxConcurrency: number;
  /** Told each loader batch's size (metrics). */
  onLoaderBatch?: LoaderBatchListener;
  /**
   * Told of every object a Stripe list answer held that is not the viewer's (it is left out):
   * a sign that Stripe's filter did not hold, for operators.
   */
  onForeignObject?: ForeignObjectListener;
  /**
   * The process's read model: accounts and authorizations are read from it first, and what Stripe
   * answers for the viewer is stored in it (only objects the viewer's customer holds, under that
   * customer). Without it every read goes to Stripe.
   */
  readModel?: ReadModel;
  /** Each customer's `refresh: true` reads per minute; without it refreshing is not budgeted. */
  refreshBudget?: RefreshBudget;
}

/** Told the kind and id of an object left out of a list answer because it is not the viewer's. */
export type ForeignObjectListener = (kind: "account" | "transaction" | "owner", id: string) => void;

/**
 * The viewer's read-through stores over the read model: lookups under the viewer's customer only,
 * and only objects that customer holds are stored (under it).
 */
function storesFor(
  readModel: ReadModel | undefined,
  viewer: Viewer | null,
  refreshing: () => boolean,
  knownIds: () => Promise<Set<string>>,
  onStale: (checkedAt: number) => void,
): LoaderStores {
  if (readModel === undefined || viewer === null) return {};
  const { customerId } = viewer;
  const kindStore = <K extends "account" | "authorization">(kind: K) => ({
    read: async (id: string, fetch: () => Promise<StoredObjects[K]>) => {
      const key = `${kind}:${customerId}:${id}`;
      // A `refresh: true` read stores Stripe's answer in place of whatever is stored.
      const replace = refreshing();
      const fetchAndStore = async () => {
        const checkedAt = readModel.now();
        const object = await fetch();
        if (isHeldByCustomer(object, customerId))
          await readModel.put(kind, customerId, object, checkedAt, replace);
        return markChecked(object, checkedAt);
      };
      if (replace) {
        // Refreshed only when stored (known): an id the read model does not know is looked up
        // within the miss budget below, refreshing or not.
        const known = await readModel.store.get(kind, customerId, id).catch(() => undefined);
        if (known !== undefined) return fetchAndStore();
      }
      let stored = replace ? undefined : await readModel.get(kind, customerId, id);
      // Not stored yet, but the webhook path is re-reading it: its answer is stored meanwhile.
      const rereading = stored === undefined && !replace && readModel.rereads.settled(kind, id);
      if (rereading) {
        await rereading;
        stored = await readModel.get(kind, customerId, id);
      }
      if (stored !== undefined) {
        if (readModel.now() - stored.checkedAt > readModel.maxAgeMs) {
          onStale(stored.checkedAt);
          readModel.revalidate(kind, key, fetchAndStore);
        }
        return stored.object;
      }
      // An id not in the read model may be new: ask Stripe within the customer's miss budget.
      // Past the budget, only ids of the customer's account set (its accounts and their
      // authorizations, loaded at most once) are looked up. Concurrent reads of one id the read
      // model lacks (the resolutions of one subscription event, say) share one lookup: one
      // budget check and one Stripe read, whoever asks (a refresh reads on its own).
      const lookUp = () =>
        lookUpWithinMissBudget(readModel, {
          kind,
          id,
          customerId,
          fetch: replace ? fetchAndStore : () => readModel.once(key, fetchAndStore),
          knownIds,
        });
      return replace ? lookUp() : readModel.once(`lookup:${key}`, lookUp);
    },
  });
  return { account: kindStore("account"), authorization: kindStore("authorization") };
}

/** Builds the per-operation data access (its loaders and concurrency cap are its own). */
export function createDataAccess({
  fc,
  viewer,
  maxConcurrency,
  onLoaderBatch,
  onForeignObject = () => {},
  readModel,
  refreshBudget,
}: DataAccessOptions): DataAccess {
  // The concurrency cap is made by the first Stripe call: an operation the read model answers
  // whole (a warm dashboard) never needs one.
  let limiter: LimitFunction | undefined;
  const limit = (<Result>(call: () => PromiseLike<Result> | Result) => {
    limiter ??= pLimit(maxConcurrency);
    return limiter(call);
  }) as LimitFunction;
  /** Turned on by a `refresh` read: from then on this operation reads Stripe, not the read model. */
  const refresh = createRefreshMode(refreshBudget, () => requireViewer().customerId);
  let oldestStale: number | undefined;
  const noteStale = (checkedAt: number) => {
    oldestStale = Math.min(oldestStale ?? checkedAt, checkedAt);
  };
  // Read-your-writes (see read-your-writes.ts): the viewer's relinks and actions fence the
  // read model's copies of what they changed until it caught up.
  const startedAt = readModel?.now() ?? Date.now();
  const fences: OperationFences | undefined =
    readModel === undefined || viewer === null
      ? undefined
      : operationFences({
          store: readModel.fences,
          customerId: viewer.customerId,
          readSession: (id) => access.session(id),
        });
  const fenced = (stores: LoaderStores): LoaderStores =>
    fences === undefined || readModel === undefined || viewer === null
      ? stores
      : fencedStores(stores, {
          readModel,
          customerId: viewer.customerId,
          fences,
          startedAt,
          obtainedAccount: (id) => obtained.get(id),
        });
  const loaders = createLoaders(fc, limit, onLoaderBatch, {
    /** A session's read writes through the accounts a finished session carries. */
    session: {
      read: async (id, fetch) => {
        const checkedAt = readModel?.now() ?? Date.now();
        // Sessions are not stored: every read is a lookup of an id unknown to the read model.
        const session =
          readModel === undefined || viewer === null
            ? await fetch()
            : await lookUpWithinMissBudget(readModel, {
                kind: "session",
                id,
                customerId: viewer.customerId,
                fetch,
              });
        if (viewer !== null && isHeldByCustomer(session, viewer.customerId)) {
          await takeSessionAccounts(session, checkedAt);
          await fences?.finished(session, checkedAt);
        }
        return session;
      },
    },
    ...fenced(
      storesFor(
        readModel,
        viewer,
        () => refresh.isOn(),
        async () => {
          const accounts = await access.viewerAccounts();
          return new Set(
            accounts.flatMap((account) =>
              typeof account.authorization === "string"
                ? [account.id, account.authorization]
                : [account.id],
            ),
          );
        },
        (checkedAt) => noteStale(checkedAt),
      ),
    ),
  });
  let allAccounts: Promise<StripeAccount[]> | undefined;
  /** Accounts this operation obtained outside its account reads (a session's), by id. */
  const obtained = new Map<string, StripeAccount>();
  /** The list with the newer states of `obtained` in it (and obtained ones it lacks), newest first. */
  const withObtained = (accounts: StripeAccount[]): StripeAccount[] => {
    if (obtained.size === 0) return accounts;
    const now = Date.now();
    const byId = new Map(accounts.map((account) => [account.id, account]));
    for (const [id, account] of obtained) {
      const listed = byId.get(id);
      if (listed === undefined || checkedAtOfObject(account, now) >= checkedAtOfObject(listed, now))
        byId.set(id, account);
    }
    return [...byId.values()].sort((a, b) => (b.created ?? 0) - (a.created ?? 0));
  };
  /**
   * Takes in the accounts a session read at `checkedAt` carries (those the viewer holds): stored
   * (newer wins), added to the customer's set, and served by this operation's later reads.
   */
  const takeSessionAccounts = async (session: StripeSession, checkedAt: number) => {
    const { customerId } = requireViewer();
    for (const account of session.accounts?.data ?? []) {
      if (!isHeldByCustomer(account, customerId)) continue;
      markChecked(account, checkedAt);
      obtained.set(account.id, account);
      loaders.account.clear(account.id).prime(account.id, account);
      if (readModel !== undefined) {
        await readModel.put("account", customerId, account, checkedAt);
        await readModel.addToSet(customerId, account.id);
      }
    }
  };
  const currentAuthorizations = new Map<string, Promise<StripeAuthorization>>();
  let relisted: Promise<StripeAccount[]> | undefined;
  /** The list, or (once per operation) Stripe's when the fences do not allow it (read-your-writes). */
  const fencedList = async (accounts: StripeAccount[]): Promise<StripeAccount[]> => {
    if (fences === undefined || readModel === undefined) return accounts;
    const { customerId } = requireViewer();
    const served = await listMayServe(accounts, { readModel, customerId, fences, startedAt });
    if (served !== undefined) return served;
    relisted ??= readModel
      .accounts(customerId, () => listAll(customerId), true)
      .then((fresh) => {
        for (const account of fresh) loaders.account.clear(account.id).prime(account.id, account);
        return fresh;
      });
    return relisted;
  };

  const requireViewer = (): Viewer => {
    if (viewer === null) throw new UnauthenticatedError();
    return viewer;
  };
  /** Stores an account the viewer now holds (after an action), so later reads see it. */
  const writeThrough = async (account: StripeAccount, checkedAt: number) => {
    const { customerId } = requireViewer();
    if (readModel !== undefined && isHeldByCustomer(account, customerId))
      await readModel.put("account", customerId, account, checkedAt);
  };
  const owned = async <T extends Parameters<typeof isHeldByCustomer>[0]>(
    kind: ObjectKind,
    id: string,
    load: (id: string) => Promise<T>,
  ): Promise<T> => {
    const { customerId } = requireViewer();
    const object = await load(id);
    if (!isHeldByCustomer(object, customerId)) throw new NotFoundError(kind, id);
    return object;
  };
  /** The page with only the items `belongs` accepts; each other one is reported and left out. */
  const onlyOwn = <T extends { id: string }>(
    page: StripeList<T>,
    kind: Parameters<ForeignObjectListener>[0],
    belongs: (item: T) => boolean,
  ): StripeList<T> => {
    const own = page.data.filter((item) => {
      if (belongs(item)) return true;
      onForeignObject(kind, item.id);
      return false;
    });
    return own.length === page.data.length ? page : { ...page, data: own };
  };
  const listAll = async (customerId: string): Promise<StripeAccount[]> => {
    const accounts: StripeAccount[] = [];
    let startingAfter: string | undefined;
    for (;;) {
      const page = await limit(() =>
        fc.listAccounts(customerId, { limit: STRIPE_MAX_PAGE, startingAfter }),
      ).catch((error: unknown) => {
        throw fromStripeFailure(error, "customer", customerId);
      });
      for (const account of onlyOwn(page, "account", (a) => isHeldByCustomer(a, customerId)).data) {
        loaders.account.prime(account.id, account);
        accounts.push(account);
      }
      // Stripe's cursor is the last item Stripe sent, whoever holds it.
      const last = page.data.at(-1);
      if (!page.has_more || last === undefined) return accounts;
      startingAfter = last.id;
    }
  };
  /**
   * Runs one account action with a fresh idempotency key and caches the account it returns; an
   * answer about another account than the one acted on is refused (UpstreamRejectedError).
   */
  const act = async (
    account: StripeAccount,
    action: (accountId: string, idempotencyKey: string) => Promise<StripeAccount>,
  ): Promise<StripeAccount> => {
    await owned("account", account.id, async () => account);
    const checkedAt = Date.now();
    const answer = await limit(() => action(account.id, randomUUID())).catch((error: unknown) => {
      throw fromStripeFailure(error, "account", account.id);
    });
    const updated = answerFor(answer, account.id);
    await writeThrough(markChecked(updated, checkedAt), checkedAt);
    loaders.account.clear(account.id).prime(account.id, updated);
    return updated;
  };
  const checkedPage = async <T>(kind: ObjectKind, id: string, fetch: () => Promise<T>) =>
    limit(fetch).catch((error: unknown) => {
      throw fromStripeFailure(error, kind, id);
    });

  const access: DataAccess = {
    viewer: requireViewer,
    oldestStaleServed: () => oldestStale,
    account: async (id, options = {}) => {
      if (options.refresh && (await refresh.begin({ spend: options.forAction !== true }))) {
        loaders.account.clear(id);
        loaders.authorization.clearAll();
      }
      return owned("account", id, (key) => loaders.account.load(key));
    },
    authorization: (id) => owned("authorization", id, (key) => loaders.authorization.load(key)),
    currentAuthorization: (id) => {
      let current = currentAuthorizations.get(id);
      if (current === undefined) {
        current = owned("authorization", id, async () => {
          const checkedAt = readModel?.now() ?? Date.now();
          const authorization = await checkedPage("authorization", id, () =>
            fc.retrieveAuthorization(id),
          );
          const { customerId } = requireViewer();
          if (readModel !== undefined && isHeldByCustomer(authorization, customerId))
            await readModel.put("authorization", customerId, authorization, checkedAt);
          return markChecked(authorization, checkedAt);
        }).then((authorization) => {
          loaders.authorization.clear(id).prime(id, authorization);
          return authorization;
        });
        currentAuthorizations.set(id, current);
      }
      return current;
    },
    session: (id) => {
      const read = owned("session", id, (key) => loaders.session.load(key));
      fences?.sessionRead(read);
      return read;
    },
    adopt: async (account) => {
      const adopted = await owned("account", account.id, async () => account);
      loaders.account.clear(account.id).prime(account.id, adopted);
      return adopted;
    },
    viewerAccounts: async (options = {}) => {
      const { customerId } = requireViewer();
      if (options.refresh && (await refresh.begin())) allAccounts = undefined;
      allAccounts ??=
        readModel === undefined
          ? listAll(customerId)
          : readModel
              .accounts(customerId, () => listAll(customerId), refresh.isOn())
              .then((accounts) => {
                const now = readModel.now();
                for (const account of accounts) {
                  const checkedAt = checkedAtOfObject(account, now);
                  if (now - checkedAt > readModel.maxAgeMs) noteStale(checkedAt);
                  loaders.account.prime(account.id, account);
                }
                return accounts;
              });
      return allAccounts.then(async (accounts) => withObtained(await fencedList(accounts)));
    },
    transactions: async (account, page) => {
      await owned("account", account.id, async () => account);
      const answer = await checkedPage("account", account.id, () =>
        fc.listTransactions(account.id, page),
      );
      return onlyOwn(answer, "transaction", (transaction) => transaction.account === account.id);
    },
    owners: async (account, ownershipId, page) => {
      await owned("account", account.id, async () => account);
      const answer = await checkedPage("account", account.id, () =>
        fc.listOwners(account.id, ownershipId, page),
      );
      return onlyOwn(answer, "owner", (owner) => owner.ownership === ownershipId);
    },
    createSession: async (params, idempotencyKey) => {
      const { customerId } = requireViewer();
      const created = await limit(() =>
        fc.createSession({ ...params, customerId }, idempotencyKey),
      ).catch((error: unknown) => {
        throw fromStripeFailure(error, "authorization", params.relinkAuthorization);
      });
      loaders.session.prime(created.session.id, created.session);
      await fences?.opened(created.session.id, params.relinkAuthorization);
      return created;
    },
    refreshAccount: (account, features) =>
      act(account, (id, key) => fc.refreshAccount(id, features, key)),
    disconnectAccount: async (account) => {
      const updated = await act(account, (id, key) => fc.disconnectAccount(id, key));
      // Disconnecting an authorization's last account disconnects the authorization, and no
      // event says so: it is read anew (and stored), so this answer and later ones show it.
      if (typeof updated.authorization === "string")
        await access.currentAuthorization(updated.authorization).catch(() => {});
      return updated;
    },
    subscribeTransactions: (account) =>
      act(account, (id, key) => fc.subscribeTransactions(id, key)),
    unsubscribeTransactions: (account) =>
      act(account, (id, key) => fc.unsubscribeTransactions(id, key)),
  };
  return access;
}
