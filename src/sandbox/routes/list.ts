import { invalidParam, resourceMissing } from "../http/errors.js";
import type { Params } from "../spec/validate-params.js";
import type { Json, JsonObject } from "../state/json.js";

const DEFAULT_LIMIT = 10;
const MAX_LIMIT = 100;

/**
 * One page of a list, Stripe-style: items are given oldest first and returned newest first;
 * `limit` (1..100, default 10), `starting_after` / `ending_before` cursors (ids of the list).
 * With `keep`, only the items it accepts are returned, while a cursor may name any item of
 * `oldestFirst` (it marks a place in time, as Stripe's cursors do on filtered lists).
 * Throws 400 for a limit out of range, both cursors at once, or a cursor that is not in
 * `oldestFirst` (`resource_missing`, naming `objectName`).
 */
export function paginate<T>(
  oldestFirst: readonly T[],
  idOf: (item: T) => string,
  params: Params,
  objectName: string,
  keep: (item: T) => boolean = () => true,
): { page: T[]; hasMore: boolean } {
  const limit = typeof params.limit === "number" ? params.limit : DEFAULT_LIMIT;
  if (limit < 1 || limit > MAX_LIMIT) {
    throw invalidParam(
      "limit",
      `Invalid limit: must be between 1 and ${MAX_LIMIT}, got ${limit}.`,
      "parameter_invalid_integer",
    );
  }
  const after = typeof params.starting_after === "string" ? params.starting_after : undefined;
  const before = typeof params.ending_before === "string" ? params.ending_before : undefined;
  if (after && before) {
    throw invalidParam(
      "ending_before",
      "You may only specify one of these parameters: ending_before, starting_after.",
    );
  }
  const count = oldestFirst.length;
  const indexOf = (id: string, param: string) => {
    for (let i = count - 1; i >= 0; i--) {
      const item = oldestFirst[i];
      if (item !== undefined && idOf(item) === id) return i;
    }
    throw resourceMissing(objectName, id, param, 400);
  };
  // Walks from `start` by `step`, collecting up to `limit` kept items, then looks for one more.
  const walk = (start: number, step: 1 | -1) => {
    const page: T[] = [];
    let index = start;
    for (; index >= 0 && index < count; index += step) {
      const item = oldestFirst[index] as T;
      if (!keep(item)) continue;
      if (page.length === limit) return { page, hasMore: true };
      page.push(item);
    }
    return { page, hasMore: false };
  };
  if (before) {
    // The `limit` items just newer than the cursor, still newest first; more = newer ones left.
    const { page, hasMore } = walk(indexOf(before, "ending_before") + 1, 1);
    return { page: page.reverse(), hasMore };
  }
  return walk(after ? indexOf(after, "starting_after") - 1 : count - 1, -1);
}

/** Stripe's list envelope. */
export function listObject(data: Json[], hasMore: boolean, url: string): JsonObject {
  return { object: "list", data, has_more: hasMore, url };
}

/**
 * The test of a range parameter such as `created` or `transacted_at`, after validation: an exact
 * integer, or `{gt, gte, lt, lte}` (each optional). Absent: everything passes.
 */
export function rangeFilter(filter: unknown): (value: number) => boolean {
  if (typeof filter === "number") return (value) => value === filter;
  if (typeof filter !== "object" || filter === null) return () => true;
  const range = filter as Record<string, unknown>;
  const bound = (key: string) =>
    typeof range[key] === "number" ? (range[key] as number) : undefined;
  const gt = bound("gt");
  const gte = bound("gte");
  const lt = bound("lt");
  const lte = bound("lte");
  return (value) =>
    (gt === undefined || value > gt) &&
    (gte === undefined || value >= gte) &&
    (lt === undefined || value < lt) &&
    (lte === undefined || value <= lte);
}
