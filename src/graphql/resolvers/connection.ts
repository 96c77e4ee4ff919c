import { BadUserInputError } from "../../data/errors.js";

/** A Relay connection over items whose cursor is their Stripe id. */
export interface Connection<T> {
  edges: { cursor: string; node: T }[];
  nodes: T[];
  pageInfo: {
    hasNextPage: boolean;
    hasPreviousPage: boolean;
    startCursor: string | null;
    endCursor: string | null;
  };
}

/** Builds a connection from one page of items. */
export function connectionOf<T extends { id: string }>(
  page: T[],
  hasNextPage: boolean,
  hasPreviousPage: boolean,
): Connection<T> {
  return {
    edges: page.map((node) => ({ cursor: node.id, node })),
    nodes: page,
    pageInfo: {
      hasNextPage,
      hasPreviousPage,
      startCursor: page[0]?.id ?? null,
      endCursor: page.at(-1)?.id ?? null,
    },
  };
}

/**
 * Pages through items held in memory: `first` items after the cursor `after`. Rejects an
 * `after` that names no item with BAD_USER_INPUT rather than silently restarting.
 */
export function pageInMemory<T extends { id: string }>(
  items: T[],
  first: number,
  after: string | null | undefined,
): Connection<T> {
  let start = 0;
  if (after !== null && after !== undefined) {
    const index = items.findIndex((item) => item.id === after);
    if (index === -1) throw new BadUserInputError("The `after` cursor does not match any item.");
    start = index + 1;
  }
  const page = items.slice(start, start + first);
  return connectionOf(page, start + first < items.length, start > 0);
}
