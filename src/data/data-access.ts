import pLimit, { type LimitFunction } from "p-limit";
import type { Viewer } from "../auth/viewer.js";
import type { ReadModel } from "../read-model/read-model.js";
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
import { accountReadsOf, type ReadOptions } from "./account-reads.js";
import { accountWritesOf } from "./account-writes.js";
import { createLoaders, type LoaderBatchListener, type Loaders } from "./create-loaders.js";
import { fencedOperation } from "./fenced-operation.js";
import { pagesOf } from "./pages.js";
import { readModelStores } from "./read-model-stores.js";
import { createRefreshMode, type RefreshBudget } from "./refresh-budget.js";
import { relinkReadsOf } from "./relink-reads.js";
import { staleServed } from "./stale-served.js";
import { type ForeignObjectListener, tenancyOf } from "./tenancy.js";
import { warmReadsOf } from "./warm-reads.js";
import { writeThroughOf } from "./write-through.js";

export type { ReadOptions } from "./account-reads.js";
export type { ForeignObjectListener } from "./tenancy.js";

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
   * What `authorization` would answer, at once, when it can only answer the read model's copy in
   * memory (a warm read: see data/warm-reads.ts), primed for `authorization`, and the operation
   * may (`warmReadsAtOnce`); else undefined, and the caller reads through `authorization`.
   */
  authorizationNow(id: string): StripeAuthorization | undefined;
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
   * What `viewerAccounts()` would answer, at once, when it could only answer the read model's
   * list in memory (see AccountReads.viewerAccountsNow) and the operation may
   * (`warmReadsAtOnce`); else undefined, and the caller reads through `viewerAccounts`.
   */
  viewerAccountsNow(): StripeAccount[] | undefined;
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
  /**
   * Whether `authorizationNow` and `viewerAccountsNow` may answer at all, asked at each read: no
   * relink session read of the operation can come after them (the pipeline's
   * `warmReadsMayAnswerAtOnce`). Default: they may.
   */
  warmReadsAtOnce?: () => boolean;
}

/**
 * Builds the per-operation data access from its concerns: the tenancy check (tenancy.ts), reads
 * of accounts and authorizations through the read model within the miss budget
 * (account-reads.ts, read-model-stores.ts), stale copies served (stale-served.ts), read-your-writes
 * fences (fenced-operation.ts), write-through of what the operation learnt (write-through.ts),
 * Stripe's paged lists (pages.ts), account actions (account-writes.ts) and relink sessions
 * (relink-reads.ts), and warm reads answered at once from the read model in memory
 * (warm-reads.ts). Its loaders and concurrency cap are its own, and each is built by its first
 * use: an operation that reads nothing (`{ __typename }`) builds neither, and one the read model
 * answers whole (a warm dashboard) makes no concurrency cap.
 */
export function createDataAccess({
  fc,
  viewer,
  maxConcurrency,
  onLoaderBatch,
  onForeignObject = () => {},
  readModel,
  refreshBudget,
  warmReadsAtOnce = () => true,
}: DataAccessOptions): DataAccess {
  let limiter: LimitFunction | undefined;
  const limit = (<Result>(call: () => PromiseLike<Result> | Result) => {
    limiter ??= pLimit(maxConcurrency);
    return limiter(call);
  }) as LimitFunction;
  const tenancy = tenancyOf(viewer, onForeignObject);
  /** Turned on by a `refresh` read: from then on this operation reads Stripe, not the read model. */
  const refresh = createRefreshMode(refreshBudget, () => tenancy.viewer().customerId);
  const stale = staleServed();
  const startedAt = readModel?.now() ?? Date.now();
  let built: Loaders | undefined;
  const loaders = (): Loaders => {
    built ??= createLoaders(fc, limit, onLoaderBatch, {
      session: relink.sessionStore,
      ...fencing.fenced(
        readModelStores(
          readModel,
          viewer,
          () => refresh.isOn(),
          async () => {
            const accounts = await reads.viewerAccounts();
            return new Set(
              accounts.flatMap((account) =>
                typeof account.authorization === "string"
                  ? [account.id, account.authorization]
                  : [account.id],
              ),
            );
          },
          (checkedAt) => stale.note(checkedAt),
        ),
      ),
    });
    return built;
  };
  const writeThrough = writeThroughOf({ readModel, tenancy, loaders });
  const fencing = fencedOperation({
    readModel,
    viewer,
    startedAt,
    readSession: (id) => relink.session(id),
    obtainedAccount: (id) => writeThrough.obtained(id),
  });
  const pages = pagesOf({ fc, limit, tenancy, loaders });
  const relink = relinkReadsOf({
    fc,
    viewer,
    readModel,
    tenancy,
    pages,
    writeThrough,
    fences: () => fencing.fences,
    loaders,
  });
  const reads = accountReadsOf({
    readModel,
    tenancy,
    refresh,
    stale,
    pages,
    writeThrough,
    fencing,
    loaders,
  });
  const warm = warmReadsOf({ readModel, viewer, refresh, fencing, loaders });
  const writes = accountWritesOf({
    fc,
    limit,
    tenancy,
    writeThrough,
    loaders,
    currentAuthorization: (id) => relink.currentAuthorization(id),
  });
  return {
    viewer: tenancy.viewer,
    oldestStaleServed: stale.oldest,
    account: reads.account,
    authorization: reads.authorization,
    authorizationNow: (id) => (warmReadsAtOnce() ? warm.authorization(id) : undefined),
    currentAuthorization: relink.currentAuthorization,
    session: relink.session,
    adopt: reads.adopt,
    viewerAccounts: reads.viewerAccounts,
    viewerAccountsNow: () => (warmReadsAtOnce() ? reads.viewerAccountsNow() : undefined),
    transactions: pages.transactions,
    owners: pages.owners,
    createSession: relink.createSession,
    refreshAccount: writes.refreshAccount,
    disconnectAccount: writes.disconnectAccount,
    subscribeTransactions: writes.subscribeTransactions,
    unsubscribeTransactions: writes.unsubscribeTransactions,
  };
}
