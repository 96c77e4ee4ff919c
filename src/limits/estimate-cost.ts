import {
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLSchema,
  getArgumentValues,
  getNamedType,
  getOperationAST,
  getVariableValues,
  isCompositeType,
  isInterfaceType,
  isObjectType,
  Kind,
  type SelectionSetNode,
} from "graphql";
import { clampFirst, MAX_PAGE } from "../stripe/paging.js";
import { type CostDirectives, costDirectivesOf, type ListSize, ONE } from "./cost-directives.js";
import { FIELD_COST, STRIPE_READS_PER_EVENT } from "./cost-model.js";

/** The operation to price: a validated document and the request's raw variables. */
export interface CostRequest {
  document: DocumentNode;
  operationName?: string | null | undefined;
  variables?: Record<string, unknown> | null | undefined;
}

/**
 * Counts the work of pricing, for tests and benchmarks: `pricings` operations priced, `visits`
 * selections (fields, inline fragments, fragment spreads) walked over all of them. A pricing
 * walks each selection of the document at most once, so its visits never exceed its tokens.
 */
export interface PricingWork {
  pricings: number;
  visits: number;
}

type Walk = {
  work: PricingWork;
  schema: GraphQLSchema;
  /** The SDL's `@cost` and `@listSize`, read once per schema. */
  costs: CostDirectives;
  fragments: Map<string, FragmentDefinitionNode>;
  variables: Record<string, unknown>;
  /**
   * The cost of each fragment priced so far. A fragment is priced on its own type condition with
   * the operation's variables, so its cost is the same wherever it is spread: its body is walked
   * once, however often (and however deep in a chain of fragments) it is spread.
   */
  fragmentCosts: Map<string, number>;
  /** Fragments being priced (validation forbids cycles; this keeps a bad document finite). */
  expanding: Set<string>;
  /**
   * Pricing only what each subscription event reads from Stripe (`estimateEventCost`): a field
   * counts, with its whole selection, when it is one of STRIPE_READS_PER_EVENT; any other field
   * counts only the per-event reads below it, as many times as it has items.
   */
  perEvent: boolean;
};

/**
 * The cost of the operation the request would run, per src/limits/cost-model.ts (the SDL's `@cost`
 * and `@listSize`, looked up per field), computed with its variables (so a `first` passed as a
 * variable is priced as it will be clamped). 0 when the document names no runnable operation
 * (execution then fails without doing anything). Linear in the document's size: each named
 * fragment is priced once and its cost reused at every spread.
 * `work`, when given, accumulates what the pricing did.
 */
export function estimateCost(
  schema: GraphQLSchema,
  request: CostRequest,
  work: PricingWork = { pricings: 0, visits: 0 },
): number {
  work.pricings += 1;
  const started = startWalk(schema, request, work, false);
  return started ? selectionSetCost(started.walk, started.rootType, started.selectionSet) : 0;
}

/**
 * The cost one event of a subscription is charged when it is delivered (src/limits/cost-model.ts):
 * the cost, with the same arithmetic as `estimateCost`, of the fields of its selection that read
 * Stripe on every event because the read model does not answer them (STRIPE_READS_PER_EVENT), each
 * multiplied by the items of the lists above it. 0 for a selection the event payload and the read
 * model answer, and for any operation that is not a subscription.
 */
export function estimateEventCost(
  schema: GraphQLSchema,
  request: CostRequest,
  work: PricingWork = { pricings: 0, visits: 0 },
): number {
  work.pricings += 1;
  const started = startWalk(schema, request, work, true);
  if (started?.operation !== "subscription") return 0;
  return selectionSetCost(started.walk, started.rootType, started.selectionSet);
}

/** The walk over the request's operation, with its variables coerced; undefined when none runs. */
function startWalk(
  schema: GraphQLSchema,
  request: CostRequest,
  work: PricingWork,
  perEvent: boolean,
) {
  const operation = getOperationAST(request.document, request.operationName ?? undefined);
  const rootType = operation ? schema.getRootType(operation.operation) : undefined;
  if (!operation || !rootType) return undefined;
  const coerced = getVariableValues(
    schema,
    operation.variableDefinitions ?? [],
    request.variables ?? {},
  );
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of request.document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION)
      fragments.set(definition.name.value, definition);
  }
  const walk: Walk = {
    work,
    schema,
    costs: costDirectivesOf(schema),
    fragments,
    // Bad variables fail execution before any resolver runs; price the arguments as worst cases.
    variables: coerced.coerced ?? {},
    fragmentCosts: new Map(),
    expanding: new Set(),
    perEvent,
  };
  return { walk, rootType, selectionSet: operation.selectionSet, operation: operation.operation };
}

function selectionSetCost(
  walk: Walk,
  parentType: GraphQLCompositeType,
  selectionSet: SelectionSetNode,
): number {
  let total = 0;
  for (const selection of selectionSet.selections) {
    walk.work.visits += 1;
    if (selection.kind === Kind.FIELD) {
      total += fieldCost(walk, parentType, selection);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      const type = selection.typeCondition
        ? walk.schema.getType(selection.typeCondition.name.value)
        : parentType;
      if (isCompositeType(type)) total += selectionSetCost(walk, type, selection.selectionSet);
    } else {
      total += fragmentCost(walk, selection.name.value);
    }
  }
  return total;
}

/** The cost of the fragment named `name`, from its first pricing on; 0 when it is unknown. */
function fragmentCost(walk: Walk, name: string): number {
  // A fragment's cost differs between the per-event reads and the whole: one entry for each.
  const key = `${walk.perEvent ? "event" : "all"}:${name}`;
  const known = walk.fragmentCosts.get(key);
  if (known !== undefined) return known;
  const fragment = walk.fragments.get(name);
  const type = fragment && walk.schema.getType(fragment.typeCondition.name.value);
  if (!fragment || !isCompositeType(type) || walk.expanding.has(key)) return 0;
  walk.expanding.add(key);
  const cost = selectionSetCost(walk, type, fragment.selectionSet);
  walk.expanding.delete(key);
  walk.fragmentCosts.set(key, cost);
  return cost;
}

function fieldCost(walk: Walk, parentType: GraphQLCompositeType, node: FieldNode): number {
  const name = node.name.value;
  if (name === "__schema" || name === "__type") return 0;
  const definition =
    isObjectType(parentType) || isInterfaceType(parentType)
      ? parentType.getFields()[name]
      : undefined;
  const coordinate = `${parentType.name}.${name}`;
  if (walk.perEvent && STRIPE_READS_PER_EVENT.has(coordinate)) {
    // Read from Stripe on every event: the field and its whole selection, as a query prices them.
    walk.perEvent = false;
    const cost = fieldCost(walk, parentType, node);
    walk.perEvent = true;
    return cost;
  }
  if (!definition) return walk.perEvent ? 0 : FIELD_COST; // __typename
  const declared = walk.costs.get(coordinate);
  const weight = declared?.weight ?? 0;
  const childType = getNamedType(definition.type);
  const children =
    node.selectionSet && isCompositeType(childType)
      ? selectionSetCost(walk, childType, node.selectionSet)
      : 0;
  const size = declared?.size ?? ONE;
  const items = itemCount(walk, definition, node, size);
  // Per event, a field the event or the read model answers costs only the reads below it.
  if (walk.perEvent) return items * children;
  return size.kind === "perElement"
    ? FIELD_COST + weight + items * (weight + children)
    : FIELD_COST + weight + items * children;
}

/** How many items the field returns (its `@listSize`), with its arguments as execution sees them. */
function itemCount(
  walk: Walk,
  definition: GraphQLField<unknown, unknown>,
  node: FieldNode,
  size: ListSize,
): number {
  if (size.kind === "one") return 1;
  if (size.kind === "assumed") return size.items;
  let args: Record<string, unknown>;
  try {
    args = getArgumentValues(definition, node, walk.variables);
  } catch {
    return MAX_PAGE; // execution will reject the arguments; price the worst case meanwhile
  }
  if (size.kind === "perElement") {
    const elements = args[size.argument];
    return Math.min(Array.isArray(elements) ? elements.length : size.atMost, size.atMost);
  }
  const given = size.arguments
    .map((argument) => args[argument])
    .filter((value): value is number => typeof value === "number");
  return given.length === 0 ? size.fallback : clampFirst(Math.max(...given), MAX_PAGE);
}
