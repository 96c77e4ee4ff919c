import type { DocumentNode } from "graphql";

/** A document whose AST counts how often any analysis reads it. */
export interface CountingDocument {
  document: DocumentNode;
  /** Property reads on the document's AST nodes so far. */
  reads(): number;
}

const isAstNode = (value: object): boolean =>
  typeof (value as { kind?: unknown }).kind === "string";

/**
 * Wraps `document` so that every property read on one of its AST nodes is counted: the work of
 * an analysis we do not own (graphql-js's validation rules, GraphQL Armor's), which reads a
 * bounded number of properties of each node it visits. Each node and list gets one wrapper, so
 * caches keyed by node identity keep working; locations and scalar values are left unwrapped.
 */
export function countingDocument(document: DocumentNode): CountingDocument {
  let reads = 0;
  const wrappers = new WeakMap<object, object>();
  const wrap = (value: unknown): unknown => {
    if (typeof value !== "object" || value === null) return value;
    const node = isAstNode(value);
    if (!node && !Array.isArray(value)) return value;
    let wrapper = wrappers.get(value);
    if (wrapper === undefined) {
      wrapper = new Proxy(value, {
        get(target, key, receiver) {
          if (node) reads += 1;
          return wrap(Reflect.get(target, key, receiver));
        },
      });
      wrappers.set(value, wrapper);
    }
    return wrapper;
  };
  return { document: wrap(document) as DocumentNode, reads: () => reads };
}
