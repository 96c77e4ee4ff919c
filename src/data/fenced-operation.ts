import type { Viewer } from "../auth/viewer.js";
import type { ReadModel } from "../read-model/read-model.js";
import type { StripeAccount } from "../stripe/wire-types.js";
import type { LoaderStores } from "./create-loaders.js";
import { fencedStores, listMayServe } from "./fenced-reads.js";
import { type OperationFences, operationFences } from "./read-your-writes.js";

/**
 * Read-your-writes for one operation (see read-your-writes.ts): the viewer's relinks and actions
 * fence the read model's copies of what they changed until it caught up. Without a read model or
 * a viewer there is nothing to fence, and everything passes unchanged.
 */
export interface FencedOperation {
  /** The operation's fences; undefined without a read model or a viewer. */
  fences: OperationFences | undefined;
  /** The read model's stores, each answer the fences do not allow replaced by Stripe's. */
  fenced(stores: LoaderStores): LoaderStores;
  /**
   * The account list (with the copies the webhook path's background re-reads stored meanwhile
   * for accounts it fenced), or (once per operation) `relist`'s, Stripe's, when the fences do
   * not allow it.
   */
  list(accounts: StripeAccount[], relist: () => Promise<StripeAccount[]>): Promise<StripeAccount[]>;
}

/** What one operation's read-your-writes is built from. */
export interface FencedOperationOptions {
  readModel: ReadModel | undefined;
  viewer: Viewer | null;
  /** When the operation began (the read model's clock). */
  startedAt: number;
  /** Reads one of the viewer's sessions through the operation's loader (and writes it through). */
  readSession(id: string): Promise<unknown>;
  /** A newer state of an account this operation obtained elsewhere (a relink session's), if any. */
  obtainedAccount(id: string): StripeAccount | undefined;
}

/** The read-your-writes of one operation (see FencedOperation). */
export function fencedOperation(options: FencedOperationOptions): FencedOperation {
  const { readModel, viewer, startedAt, readSession, obtainedAccount } = options;
  if (readModel === undefined || viewer === null)
    return { fences: undefined, fenced: (stores) => stores, list: async (accounts) => accounts };
  const fences = operationFences({
    store: readModel.fences,
    customerId: viewer.customerId,
    readSession,
  });
  let relisted: Promise<StripeAccount[]> | undefined;
  return {
    fences,
    fenced: (stores) =>
      fencedStores(stores, {
        readModel,
        customerId: viewer.customerId,
        fences,
        startedAt,
        obtainedAccount,
      }),
    list: async (accounts, relist) => {
      const served = await listMayServe(accounts, {
        readModel,
        customerId: viewer.customerId,
        fences,
        startedAt,
      });
      if (served !== undefined) return served;
      relisted ??= relist();
      return relisted;
    },
  };
}
