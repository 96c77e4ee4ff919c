import { GraphQLError, type GraphQLResolveInfo } from "graphql";
import { DataError, withoutCapturedFrames } from "../../data/errors.js";

/** A path's keys, root first (graphql-js's `pathToArray`, for a resolver's `info.path`). */
function pathKeys(path: GraphQLResolveInfo["path"] | undefined): (string | number)[] {
  const keys: (string | number)[] = [];
  for (let at = path; at !== undefined; at = at.prev) keys.push(at.key);
  return keys.reverse();
}

/**
 * The error graphql-js reports for item `index` of the list field `info` resolves, when the item
 * was refused on purpose (a DataError, built by `withoutStack`): a GraphQLError already located at
 * the item (the field's nodes, its path), capturing no stack (it copies the DataError's), which
 * graphql-js reports as it is. Left to graphql-js, each item's error is wrapped in a new GraphQLError that captures a stack
 * and formats the original's: for `nodes(ids:)` of 100 ids refused by the miss budget, over a
 * quarter of the operation's CPU (bench/profiles/hostile-miss-budget-ids-*.txt). The client sees
 * the same error (the formatter reads the DataError as `originalError`). Anything else is
 * returned as it is.
 */
export function locatedItemError(error: unknown, info: GraphQLResolveInfo, index: number): unknown {
  if (!(error instanceof DataError)) return error;
  return withoutCapturedFrames(
    () =>
      new GraphQLError(error.message, {
        nodes: info.fieldNodes,
        path: [...pathKeys(info.path), index],
        originalError: error,
      }),
  );
}

/** `items` with each rejection located by `locatedItemError` (a list field's item promises). */
export function locatedItems<T>(
  items: readonly Promise<T>[],
  info: GraphQLResolveInfo,
): Promise<T>[] {
  return items.map((item, index) =>
    item.catch((error: unknown) => {
      throw locatedItemError(error, info, index);
    }),
  );
}
