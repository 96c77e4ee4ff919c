import type { ReadModel } from "../read-model/read-model.js";
import {
  LookupBudgetExhaustedError,
  NotFoundError,
  type ObjectKind,
  withoutStack,
} from "./errors.js";
import { isHeldByCustomer } from "./ownership.js";
import { fromStripeFailure } from "./upstream-failure.js";

/** The window of the miss budget (MISS_BUDGET per customer): what a refused lookup waits at most. */
export const MISS_WINDOW_SECONDS = 60;

/** One lookup at Stripe of an id the read model does not know. */
export interface UnknownIdLookup<T> {
  kind: ObjectKind;
  id: string;
  customerId: string;
  /** Asks Stripe for the object. */
  fetch: () => Promise<T>;
  /**
   * The ids known to be the customer's (its account set), for ids past the budget; undefined for
   * a kind no set names (relink sessions): past the budget, every id of it is refused.
   */
  knownIds?: () => Promise<Set<string>>;
}

/**
 * Looks `id` up at Stripe within the customer's miss budget (the read model's `mayLookUp`: the
 * misses of the minute and the lookups in flight, per customer, MISS_BUDGET), for every kind of
 * id (accounts, authorizations, relink sessions), whether or not the operation reads with
 * `refresh: true`. A remembered miss rejects with NotFoundError; past the budget, an id the
 * customer's account set does not name rejects with LookupBudgetExhaustedError (RATE_LIMITED,
 * `retryAfter` the budget's window); neither asks Stripe. An id that turns out missing or
 * another customer's is remembered and counted as a miss.
 */
export async function lookUpWithinMissBudget<T extends Parameters<typeof isHeldByCustomer>[0]>(
  readModel: ReadModel,
  lookup: UnknownIdLookup<T>,
): Promise<T> {
  const { kind, id, customerId } = lookup;
  const allowed = await readModel.mayLookUp(customerId, id);
  try {
    if (allowed === "remembered") throw withoutStack(() => new NotFoundError(kind, id));
    if (allowed === "over-budget" && !(await lookup.knownIds?.())?.has(id)) {
      throw withoutStack(
        () =>
          new LookupBudgetExhaustedError(
            "Too many ids unknown to the gateway were looked up for this customer; retry later.",
            MISS_WINDOW_SECONDS,
          ),
      );
    }
    const object = await lookup.fetch().catch(async (error: unknown) => {
      if (fromStripeFailure(error, kind, id) instanceof NotFoundError)
        await readModel.noteMiss(customerId, id);
      throw error;
    });
    if (!isHeldByCustomer(object, customerId)) await readModel.noteMiss(customerId, id);
    return object;
  } finally {
    if (allowed === "ok") readModel.lookUpEnded(customerId);
  }
}
