import DataLoader from "dataloader";
import type { LimitFunction } from "p-limit";
import { ATTR, inSpan } from "../observability/spans.js";
import type { FcApi } from "../stripe/fc-api.js";
import type { StripeAccount, StripeAuthorization, StripeSession } from "../stripe/wire-types.js";
import type { ObjectKind } from "./errors.js";
import { fromStripeFailure } from "./upstream-failure.js";

/**
 * One operation's loaders. Stripe has no batch-retrieve endpoint, so a "batch" is the set of
 * distinct ids asked for in one tick: each is fetched once, at most `limit`'s concurrency at a
 * time, and repeats within the operation are served from the loader's cache. Never share
 * loaders between operations: their caches are the viewer's data.
 */
export interface Loaders {
  account: DataLoader<string, StripeAccount>;
  authorization: DataLoader<string, StripeAuthorization>;
  session: DataLoader<string, StripeSession>;
  /**
   * The entry the loader of `kind` has for `id` (loaded, being loaded, or primed: the promise
   * `load(id)` answers), or undefined. Another entry after `clear` or `prime` is another promise.
   */
  cached(kind: "account" | "authorization" | "session", id: string): Promise<unknown> | undefined;
}

/**
 * A store consulted before Stripe for one kind of object: `read` answers what it holds, or calls
 * `fetch` (Stripe) and keeps what it answers.
 */
export interface ReadThrough<T> {
  read(id: string, fetch: () => Promise<T>): Promise<T>;
}

/** The stores consulted before Stripe, per kind (none: every load asks Stripe). */
export interface LoaderStores {
  account?: ReadThrough<StripeAccount>;
  authorization?: ReadThrough<StripeAuthorization>;
  /** Sessions are not stored; their reads may write through what they carry. */
  session?: ReadThrough<StripeSession>;
}

/** Told the size of every batch a loader dispatches (for metrics). */
export type LoaderBatchListener = (loader: string, size: number) => void;

/**
 * Creates fresh loaders for one operation. A kind with a store is looked up there first, and what
 * Stripe answers is handed to it. Each batch is a span (`dataloader <kind>`, its size), the parent
 * of its Stripe calls and read-model lookups. A failed fetch rejects only its own key, with the data layer's
 * error for it (see data/upstream-failure.ts).
 */
export function createLoaders(
  fc: FcApi,
  limit: LimitFunction,
  onBatch: LoaderBatchListener = () => {},
  stores: LoaderStores = {},
): Loaders {
  const caches = {
    account: new Map<string, Promise<StripeAccount>>(),
    authorization: new Map<string, Promise<StripeAuthorization>>(),
    session: new Map<string, Promise<StripeSession>>(),
  };
  const loaderOf = <T>(
    kind: ObjectKind,
    cacheMap: Map<string, Promise<T>>,
    fetchOne: (id: string) => Promise<T>,
    store?: ReadThrough<T>,
  ) =>
    new DataLoader<string, T>(
      (ids) =>
        inSpan(
          `dataloader ${kind}`,
          { [ATTR.loaderName]: kind, [ATTR.loaderBatchSize]: ids.length },
          () => {
            onBatch(kind, ids.length);
            return Promise.all(
              ids.map((id) => {
                const fetch = () => limit(() => fetchOne(id));
                return (store === undefined ? fetch() : store.read(id, fetch)).catch(
                  (error: unknown) => fromStripeFailure(error, kind, id),
                );
              }),
            );
          },
        ),
      { cacheMap },
    );
  return {
    account: loaderOf("account", caches.account, (id) => fc.retrieveAccount(id), stores.account),
    authorization: loaderOf(
      "authorization",
      caches.authorization,
      (id) => fc.retrieveAuthorization(id),
      stores.authorization,
    ),
    session: loaderOf("session", caches.session, (id) => fc.retrieveSession(id), stores.session),
    cached: (kind, id) => caches[kind].get(id),
  };
}
