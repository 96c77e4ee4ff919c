import type { Viewer } from "../auth/viewer.js";
import type { ReadModel } from "../read-model/read-model.js";
import type { StripeAuthorization } from "../stripe/wire-types.js";
import type { Loaders } from "./create-loaders.js";
import type { FencedOperation } from "./fenced-operation.js";
import { isHeldByCustomer } from "./ownership.js";
import type { RefreshMode } from "./refresh-budget.js";

/**
 * One operation's reads answered at once, from the read model in memory, when the read through
 * the operation's loader (data-access's `authorization`) could only answer the same object with
 * the same effects. A warm dashboard asks for the authorization of each account (several accounts
 * share one); answering those without a promise each is most of its cost.
 */
export interface WarmReads {
  /**
   * The viewer's authorization, when the operation can serve it now:
   * - the first read of it in the operation: the operation has a read model and a viewer, is not
   *   refreshing, its fences are loaded and there are none (and no relink session read of it is
   *   in flight), the loader has no entry for the id, no background re-read of it is in flight,
   *   and the read model's store is in the process and holds a copy of it, held by the viewer's
   *   customer, not older than READ_MODEL_MAX_AGE_S: that copy, counted as a read-model hit, and
   *   primed in the loader (later reads of the operation answer the same object);
   * - a later one: the object this answered before, while the loader's entry for the id is still
   *   the one it primed (not cleared by a refresh, nor replaced by a Stripe read): what `load`
   *   would resolve with, and a cache hit has no other effect.
   * Otherwise undefined, and nothing happened: the caller reads through `authorization` (Stripe, a
   * stale copy with its notice and revalidation, a fenced read, the tenancy check's
   * NotFoundError...).
   */
  authorization(id: string): StripeAuthorization | undefined;
}

/** What the warm reads of one operation look at. */
export interface WarmReadsOptions {
  readModel: ReadModel | undefined;
  viewer: Viewer | null;
  refresh: RefreshMode;
  fencing: FencedOperation;
  loaders(): Loaders;
}

/** The warm reads of one operation (see WarmReads). */
export function warmReadsOf({
  readModel,
  viewer,
  refresh,
  fencing,
  loaders,
}: WarmReadsOptions): WarmReads {
  if (readModel === undefined || viewer === null || readModel.store.peek === undefined)
    return { authorization: () => undefined };
  const { customerId } = viewer;
  const held = (object: StripeAuthorization) => isHeldByCustomer(object, customerId);
  /** What this answered, by id, with the loader entry it primed. */
  const served = new Map<string, { entry: Promise<unknown>; object: StripeAuthorization }>();
  return {
    authorization: (id) => {
      const built = loaders();
      const entry = built.cached("authorization", id);
      if (entry !== undefined) {
        const before = served.get(id);
        return before !== undefined && before.entry === entry ? before.object : undefined;
      }
      if (refresh.isOn() || fencing.fences?.unfencedNow() !== true) return undefined;
      if (readModel.rereads.settled("authorization", id) !== undefined) return undefined;
      const object = readModel.servedNow("authorization", customerId, id, held);
      if (object === undefined) return undefined;
      built.authorization.prime(id, object);
      const primed = built.cached("authorization", id);
      if (primed !== undefined) served.set(id, { entry: primed, object });
      return object;
    },
  };
}
