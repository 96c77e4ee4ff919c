import type { Viewer } from "../auth/viewer.js";
import { markChecked } from "../read-model/checked-at.js";
import type { ReadModel } from "../read-model/read-model.js";
import type { StoredObjects } from "../read-model/store.js";
import type { LoaderStores } from "./create-loaders.js";
import { lookUpWithinMissBudget } from "./miss-budget.js";
import { isHeldByCustomer } from "./ownership.js";

/**
 * The viewer's read-through stores over the read model: lookups under the viewer's customer only,
 * and only objects that customer holds are stored (under it).
 */
export function readModelStores(
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
