import {
  type DocumentNode,
  Kind,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from "graphql";

/**
 * The root query fields whose reads no relink session read of the same operation can change
 * before they answer: the viewer's accounts and authorizations (and `__typename`). Every other
 * root field (`relinkSession`, `node`, `nodes`: ids of sessions too) may read a relink session,
 * whose outcome is written through and raises the fences the operation's reads must honour.
 */
const FIELDS_WITHOUT_SESSION_READS = new Set([
  "accounts",
  "account",
  "authorization",
  "__typename",
]);

/** Fragments looked into per operation at most; a deeper or larger document answers false. */
const MAX_SPREADS = 100;

/** The answer per operation node: a cached document's operations are looked at once. */
const answered = new WeakMap<OperationDefinitionNode, boolean>();

/**
 * Whether an admitted operation may answer warm read-model reads at once (data/warm-reads.ts,
 * `AccountReads.viewerAccountsNow`): a query whose every root field, through its fragments and
 * whatever its directives say, is one of FIELDS_WITHOUT_SESSION_READS. A warm read answered at
 * once resolves before the root fields after it run; a relink session read by one of those would
 * come too late to make the read wait for its outcome (read-your-writes: a RELINKED or
 * NEW_AUTHORIZATION outcome beside the dashboard it changed). Mutations and subscriptions: false.
 * Remembered per operation node.
 */
export function warmReadsMayAnswerAtOnce(
  document: DocumentNode,
  operation: OperationDefinitionNode,
): boolean {
  let answer = answered.get(operation);
  if (answer === undefined) {
    answer = onlySessionFreeRootFields(document, operation);
    answered.set(operation, answer);
  }
  return answer;
}

/** See warmReadsMayAnswerAtOnce (not remembered). */
function onlySessionFreeRootFields(
  document: DocumentNode,
  operation: OperationDefinitionNode,
): boolean {
  if (operation.operation !== "query") return false;
  const fragments = new Map<string, SelectionSetNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION)
      fragments.set(definition.name.value, definition.selectionSet);
  }
  let spreads = 0;
  const only = (selectionSet: SelectionSetNode): boolean =>
    selectionSet.selections.every((selection) => {
      if (selection.kind === Kind.FIELD)
        return FIELDS_WITHOUT_SESSION_READS.has(selection.name.value);
      if (selection.kind === Kind.INLINE_FRAGMENT) return only(selection.selectionSet);
      spreads += 1;
      const fragment = fragments.get(selection.name.value);
      return spreads <= MAX_SPREADS && fragment !== undefined && only(fragment);
    });
  return only(operation.selectionSet);
}
