import { invalidParam, resourceMissing } from "../http/errors.js";
import type { Params } from "../spec/validate-params.js";
import type { Json, JsonObject } from "../state/json.js";

const DEFAULT_LIMIT = 10;
const MAX_LIMIT = 100;

/**
 * One page of a list, Stripe-style: items are given oldest first and returned newest first;
 * `limit` (1..100, default 10), `starting_after` / `ending_before` cursors (ids of the list).
 * Throws 400 for a limit out of range, both cursors at once, or a cursor that is not in the
 * list (`resource_missing`, naming `objectName`).
 */
export function paginate<T>(
  oldestFirst: readonly T[],
  idOf: (item: T) => string,
  params: Params,
  objectName: string,
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
  // Position p in newest-first order is element count - 1 - p of the input.
  const at = (position: number) => oldestFirst[count - 1 - position] as T;
  const positionOf = (id: string, param: string) => {
    for (let i = count - 1; i >= 0; i--) {
      const item = oldestFirst[i];
      if (item !== undefined && idOf(item) === id) return count - 1 - i;
    }
    throw resourceMissing(objectName, id, param, 400);
  };
  let start = 0;
  let end = Math.min(count, limit);
  if (after) {
    start = positionOf(after, "starting_after") + 1;
    end = Math.min(count, start + limit);
  } else if (before) {
    end = positionOf(before, "ending_before");
    start = Math.max(0, end - limit);
  }
  const page: T[] = [];
  for (let position = start; position < end; position++) page.push(at(position));
  const hasMore = before ? start > 0 : end < count;
  return { page, hasMore };
}

/** Stripe's list envelope. */
export function listObject(data: Json[], hasMore: boolean, url: string): JsonObject {
  return { object: "list", data, has_more: hasMore, url };
}
