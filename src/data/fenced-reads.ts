import { checkedAtOfObject, markChecked } from "../read-model/checked-at.js";
import type { ReadModel } from "../read-model/read-model.js";
import type { StoredKind, StoredObjects } from "../read-model/store.js";
import type { StripeAccount } from "../stripe/wire-types.js";
import type { LoaderStores, ReadThrough } from "./create-loaders.js";
import { isHeldByCustomer } from "./ownership.js";
import type { OperationFences } from "./read-your-writes.js";

/** What the fenced reads of one operation need. */
export interface FencedReadsOptions {
  readModel: ReadModel;
  customerId: string;
  fences: OperationFences;
  /** When the operation began (the read model's clock): a copy read since honours every earlier write. */
  startedAt: number;
  /** A newer state of an account this operation obtained elsewhere (a relink session's), if any. */
  obtainedAccount(id: string): StripeAccount | undefined;
}

/**
 * Read-your-writes over the operation's read-through stores (the read model's): an answer the
 * fences do not allow (a copy from before the operation of an object a relink or an action of
 * the viewer's changed) is replaced by a Stripe read, stored as any other. Every answer waits for
 * the operation's relink session reads first, and a newer state one of them carried wins. Each
 * loader caches the result, so an object is read from Stripe at most once per operation.
 */
export function fencedStores(stores: LoaderStores, options: FencedReadsOptions): LoaderStores {
  const { readModel, customerId, fences, startedAt } = options;
  const fenced = <K extends StoredKind>(
    kind: K,
    store: ReadThrough<StoredObjects[K]> | undefined,
  ): ReadThrough<StoredObjects[K]> | undefined => {
    if (store === undefined) return undefined;
    const fetchAndStore = async (fetch: () => Promise<StoredObjects[K]>) => {
      const checkedAt = readModel.now();
      const object = await fetch();
      if (isHeldByCustomer(object, customerId))
        await readModel.put(kind, customerId, object, checkedAt);
      return markChecked(object, checkedAt);
    };
    const checkedAt = (object: object) => checkedAtOfObject(object, readModel.now());
    /** The copy the fences allow: the one a background re-read stored meanwhile, else Stripe's. */
    const allowed = async (id: string, fetch: () => Promise<StoredObjects[K]>) =>
      (await caughtUp(kind, id, options)) ?? fetchAndStore(fetch);
    return {
      read: async (id, fetch) => {
        let answer = await store.read(id, fetch);
        const from = checkedAt(answer);
        // No fence at all (the common case): the copy may serve, and is behind none.
        if (
          from < startedAt &&
          !(await fences.unfenced()) &&
          !(await fences.mayServe(kind, answer, from))
        )
          answer = await allowed(id, fetch);
        await fences.settled();
        if (kind === "account") {
          const obtained = options.obtainedAccount(id) as StoredObjects[K] | undefined;
          if (obtained !== undefined && checkedAt(obtained) >= checkedAt(answer)) answer = obtained;
        }
        if (!(await fences.unfenced()) && (await fences.behind(kind, answer, checkedAt(answer))))
          answer = await allowed(id, fetch);
        return answer;
      },
    };
  };
  const account = fenced("account", stores.account);
  const authorization = fenced("authorization", stores.authorization);
  return {
    ...stores,
    ...(account === undefined ? {} : { account }),
    ...(authorization === undefined ? {} : { authorization }),
  };
}

/**
 * The read model's copy of an object once the background re-read of it on this instance (the
 * webhook path's, see read-model/pending-rereads.ts) made its attempt, when the fences allow that
 * copy; else undefined (the caller reads Stripe). No re-read in flight: the copy is looked at once.
 */
async function caughtUp<K extends StoredKind>(
  kind: K,
  id: string,
  {
    readModel,
    customerId,
    fences,
  }: Pick<FencedReadsOptions, "readModel" | "customerId" | "fences">,
): Promise<StoredObjects[K] | undefined> {
  const rereading = readModel.rereads.settled(kind, id);
  if (rereading !== undefined) await rereading;
  const stored = await readModel.get(kind, customerId, id);
  if (stored === undefined) return undefined;
  return (await fences.mayServe(kind, stored.object, stored.checkedAt)) ? stored.object : undefined;
}

/**
 * The list of the customer's accounts (the read model's) as it may answer: an account in it that
 * is a copy from before the operation the fences do not allow, or is behind a fence raised
 * meanwhile, is replaced by the copy a background re-read stored meanwhile (see `caughtUp`);
 * undefined when one is still not allowed (the caller then lists from Stripe). Waits for the
 * operation's relink session reads first.
 */
export async function listMayServe(
  accounts: StripeAccount[],
  options: Pick<FencedReadsOptions, "readModel" | "customerId" | "fences" | "startedAt">,
): Promise<StripeAccount[] | undefined> {
  const { readModel, fences, startedAt } = options;
  // The common case (no relink open, no write of the viewer's pending): no fence, so every copy
  // may serve and none is behind. Asked again after the session reads, which may raise one.
  if (await fences.unfenced()) {
    await fences.settled();
    if (await fences.unfenced()) return [...accounts];
  }
  const now = readModel.now();
  const served = [...accounts];
  for (const [index, account] of served.entries()) {
    const from = checkedAtOfObject(account, now);
    if (from < startedAt && !(await fences.mayServe("account", account, from))) {
      const caught = await caughtUp("account", account.id, options);
      if (caught === undefined) return undefined;
      served[index] = caught;
    }
  }
  await fences.settled();
  for (const [index, account] of served.entries()) {
    if (!(await fences.behind("account", account, checkedAtOfObject(account, now)))) continue;
    const caught = await caughtUp("account", account.id, options);
    if (caught === undefined) return undefined;
    served[index] = caught;
  }
  return served;
}
