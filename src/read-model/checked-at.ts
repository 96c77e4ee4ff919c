/** When the gateway last saw Stripe's state of each object it hands to resolvers. */
const checkedAtOf = new WeakMap<object, number>();

/** Records that `object` is Stripe's state as of `checkedAt` (ms since the epoch); returns it. */
export function markChecked<T extends object>(object: T, checkedAt: number): T {
  checkedAtOf.set(object, checkedAt);
  return object;
}

/**
 * When the gateway last saw Stripe's state of `object`; for an object not marked (read from
 * Stripe within the current operation, e.g. an action's answer), `fallback`.
 */
export function checkedAtOfObject(object: object, fallback: number): number {
  return checkedAtOf.get(object) ?? fallback;
}
