import { BREAK, type DocumentNode, Kind, type SelectionSetNode, visit } from "graphql";

/**
 * Units of validation work (see `validationWork`): one per selection placed at a level, one per
 * pair of same-named leaf fields there, and NESTED_PAIR_WORK per pair of same-named fields that
 * both have selections and per pair of distinct fragments spread at one level (graphql-js's
 * OverlappingFieldsCanBeMergedRule compares their sub-selections, or the fragments' fields,
 * which costs about as much as 50 leaf pairs or more; measured with graphql 16.15).
 */
export const NESTED_PAIR_WORK = 50;

/** Validation work one cost point pays for (`analysisCost`). */
export const VALIDATION_WORK_PER_POINT = 1_000;

/** The cost points a document's validation work is charged: a point per VALIDATION_WORK_PER_POINT. */
export function analysisCost(work: number): number {
  return Math.floor(work / VALIDATION_WORK_PER_POINT);
}

type Group = { count: number; nested: number; children: SelectionSetNode[] };

/**
 * An upper bound, from the document's shape alone, of what validating it costs: the work of
 * graphql-js's OverlappingFieldsCanBeMergedRule (the one rule that is not linear in the
 * document: it compares every pair of fields with the same response name at one level, and the
 * sub-selections of each such pair). It follows that rule: for each selection set the rule
 * checks, the fields at its level (inline fragments and spread fragments expanded, each
 * fragment once per level, as the rule remembers compared fragments) are grouped by response
 * name; each selection costs 1, each pair of same-named fields 1, or NESTED_PAIR_WORK when both
 * have selections, whose children are then merged into one level and counted the same way,
 * and each pair of distinct fragments spread at one level NESTED_PAIR_WORK. The
 * count stops as soon as it passes `limit` (and answers a number over it), so computing it costs
 * at most about `limit` steps plus one walk of the document: it can be run before validating.
 */
export function validationWork(document: DocumentNode, limit: number): number {
  const fragments = new Map<string, SelectionSetNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION && !fragments.has(definition.name.value)) {
      fragments.set(definition.name.value, definition.selectionSet);
    }
  }
  let work = 0;
  /** Counts one level (`sets` merged) and every merged level below it; false once over limit. */
  const countFrom = (root: SelectionSetNode): boolean => {
    const levels: SelectionSetNode[][] = [[root]];
    for (let sets = levels.pop(); sets !== undefined; sets = levels.pop()) {
      const groups = new Map<string, Group>();
      const expanded = new Set<string>();
      const pending = [...sets];
      for (let set = pending.pop(); set !== undefined; set = pending.pop()) {
        for (const selection of set.selections) {
          work += 1;
          if (selection.kind === Kind.FIELD) {
            const name = (selection.alias ?? selection.name).value;
            let group = groups.get(name);
            if (group === undefined) {
              group = { count: 0, nested: 0, children: [] };
              groups.set(name, group);
            }
            work += group.count;
            group.count += 1;
            if (selection.selectionSet) {
              work += group.nested * NESTED_PAIR_WORK;
              group.nested += 1;
              group.children.push(selection.selectionSet);
            }
          } else if (selection.kind === Kind.INLINE_FRAGMENT) {
            pending.push(selection.selectionSet);
          } else if (!expanded.has(selection.name.value)) {
            // The rule compares each pair of distinct fragments spread at one level.
            work += expanded.size * NESTED_PAIR_WORK;
            expanded.add(selection.name.value);
            const fragment = fragments.get(selection.name.value);
            if (fragment) pending.push(fragment);
          }
          if (work > limit) return false;
        }
      }
      for (const group of groups.values()) {
        if (group.children.length > 1) levels.push(group.children);
      }
    }
    return true;
  };
  visit(document, {
    SelectionSet(node, _key, parent) {
      // The rule skips these: an inline fragment's set is its parent's level, one field alone has no pair.
      if (parent && "kind" in parent && parent.kind === Kind.INLINE_FRAGMENT) return undefined;
      const only = node.selections[0];
      if (node.selections.length <= 1 && only?.kind !== Kind.INLINE_FRAGMENT) return undefined;
      return countFrom(node) ? undefined : BREAK;
    },
  });
  return work;
}
