import {
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLSchema,
  getNamedType,
  getNullableType,
  isCompositeType,
  isListType,
  isNonNullType,
  isObjectType,
} from "graphql";
import { type GraphQLResponse, graphql, type TestStack } from "./gateway.js";
import { requestCounts, resetRequests } from "./sandbox-control.js";

/** What running one field showed. */
export interface FieldReach {
  /** `Type.field`. */
  coordinate: string;
  /** The most `/v1` requests the field added to an operation, over all its probes; 0: none. */
  stripeCalls: number;
  /** Whether the field returns an object (or a list of them), rather than a scalar or an enum. */
  composite: boolean;
  /** Whether it resolved to something other than null in at least one probe. */
  resolved: boolean;
  /** Whether the gateway refused a probe's operation (not valid, over a limit): nothing ran. */
  refused: boolean;
}

/** What `probeStripeReach` found. */
export interface ReachReport {
  fields: FieldReach[];
  /** Object types the probe reached no instance of, though a root field leads to them. */
  unreachedTypes: string[];
  /** Object types no query or mutation leads to (the subscription's), which were not probed. */
  unprobedTypes: string[];
}

/** The data the probes run on. */
export interface ProbeData {
  /** The customer whose data queries read. */
  customer: string;
  /** Ids to pass to an `id: ID!` or `ids: [ID!]!` argument, by the type the field returns. */
  ids: Record<string, string[]>;
  /**
   * For each mutation: the `input` literals to run it with, given the id of an account of a fresh
   * customer. A mutation without an entry fails the probe.
   */
  mutationInputs: Record<string, ((accountId: string) => string)[]>;
  /** A new customer with one active account, so that every mutation run starts from the same state. */
  freshCustomer(): Promise<{ customer: string; accountId: string }>;
}

type Operation = "query" | "mutation";
/** The customer an operation runs as and, in a mutation, the fresh account it acts on. */
type Run = { customer: string; accountId: string };
/** Renders the arguments of one field (`(id: "…")`, or "" for none) for a run. */
type Arguments = (run: Run) => string;
type Step = { field: GraphQLField<unknown, unknown>; parent: GraphQLObjectType };
type Path = { operation: Operation; steps: Step[] };

/**
 * Finds which fields reach Stripe by running them against the stack's gateway and sandbox. Every
 * field of every object type a query or a mutation leads to is selected under the parents a path
 * from the root field reaches (the first path found, breadth first, with every id `data` gives
 * for its `id` arguments), and the sandbox's count of `/v1` requests is compared with the count
 * for the same operation without the field. Mutations run on a fresh customer each time, so the
 * operation with the field and the one without start from the same state. Sequential: the
 * request counter is the sandbox's, shared by everything that talks to it, so the stack must be
 * this probe's alone and deliver no webhooks (their re-reads would be counted). Every operation
 * runs with the gateway's read model emptied first, so a field's count is what it costs cold.
 */
export async function probeStripeReach(
  stack: TestStack,
  schema: GraphQLSchema,
  data: ProbeData,
): Promise<ReachReport> {
  const paths = pathsFromRoots(schema);
  const reach = new Map<string, FieldReach>();
  const unreachedTypes: string[] = [];
  for (const [typeName, path] of paths) {
    const type = schema.getType(typeName) as GraphQLObjectType;
    let reached = false;
    for (const variant of argumentProduct(path.steps.map((step) => argumentsOf(step, data)))) {
      const base = await runProbe(stack, data, path, variant, "__typename");
      reached ||= parentsIn(base.response, path.steps).length > 0;
      for (const field of Object.values(type.getFields())) {
        const composite = isCompositeType(getNamedType(field.type));
        const coordinate = `${type.name}.${field.name}`;
        const found = reach.get(coordinate) ?? {
          coordinate,
          stripeCalls: 0,
          composite,
          resolved: false,
          refused: false,
        };
        reach.set(coordinate, found);
        for (const fieldArguments of argumentsOf({ field, parent: type }, data)) {
          const selection = composite ? " { __typename }" : "";
          const hole = (run: Run) =>
            `__typename probe: ${field.name}${fieldArguments(run)}${selection}`;
          const probed = await runProbe(stack, data, path, variant, hole);
          found.stripeCalls = Math.max(found.stripeCalls, probed.calls - base.calls);
          found.refused ||= probed.response.status !== 200;
          const values = parentsIn(probed.response, path.steps).map((parent) => parent.probe);
          found.resolved ||= values.some((value) => value !== null && value !== undefined);
        }
      }
    }
    if (!reached) unreachedTypes.push(type.name);
  }
  const unprobedTypes = Object.values(schema.getTypeMap())
    .filter((type) => isObjectType(type) && !type.name.startsWith("__") && !paths.has(type.name))
    .map((type) => type.name);
  return { fields: [...reach.values()], unreachedTypes, unprobedTypes };
}

/** The first path (breadth first) from the query root, then the mutation root, to each object type. */
function pathsFromRoots(schema: GraphQLSchema): Map<string, Path> {
  const paths = new Map<string, Path>();
  const roots: [Operation, GraphQLObjectType | null | undefined][] = [
    ["query", schema.getQueryType()],
    ["mutation", schema.getMutationType()],
  ];
  for (const [operation, root] of roots) {
    if (!root) continue;
    paths.set(root.name, { operation, steps: [] });
    const queue = [root];
    for (let type = queue.shift(); type; type = queue.shift()) {
      const path = paths.get(type.name) as Path;
      for (const field of Object.values(type.getFields())) {
        const next = getNamedType(field.type);
        if (!isObjectType(next) || paths.has(next.name)) continue;
        paths.set(next.name, { operation, steps: [...path.steps, { field, parent: type }] });
        queue.push(next);
      }
    }
  }
  return paths;
}

/** Every way to fill the field's required arguments from `data`; throws when one cannot be. */
function argumentsOf(step: Step, data: ProbeData): Arguments[] {
  const coordinate = `${step.parent.name}.${step.field.name}`;
  const perArgument = step.field.args
    .filter((arg) => isNonNullType(arg.type) && arg.defaultValue === undefined)
    .map((arg): Arguments[] => {
      if (arg.name === "input" && data.mutationInputs[step.field.name]) {
        return (data.mutationInputs[step.field.name] ?? []).map(
          (input) => (run) => `${arg.name}: ${input(run.accountId)}`,
        );
      }
      const ids = data.ids[getNamedType(step.field.type).name] ?? [];
      const named = getNamedType(arg.type).name;
      if (named === "ID" && ids.length > 0) {
        return isListType(getNullableType(arg.type))
          ? [() => `${arg.name}: ${JSON.stringify(ids)}`]
          : ids.map((id) => () => `${arg.name}: ${JSON.stringify(id)}`);
      }
      throw new Error(`The probe has no value for ${coordinate}(${arg.name}:): give it one.`);
    });
  return argumentProduct(perArgument).map(
    (parts) => (run) =>
      parts.length === 0 ? "" : `(${parts.map((part) => part(run)).join(", ")})`,
  );
}

/** Every combination taking one item of each list. */
function argumentProduct<T>(lists: T[][]): T[][] {
  return lists.reduce<T[][]>(
    (combinations, list) =>
      combinations.flatMap((combination) => list.map((item) => [...combination, item])),
    [[]],
  );
}

/** Runs the path's operation with `hole` selected at its end; counts the `/v1` requests it made. */
async function runProbe(
  stack: TestStack,
  data: ProbeData,
  path: Path,
  variant: Arguments[],
  hole: string | ((run: Run) => string),
): Promise<{ calls: number; response: GraphQLResponse }> {
  const run: Run =
    path.operation === "mutation"
      ? await data.freshCustomer()
      : { customer: data.customer, accountId: "" };
  const inner = typeof hole === "string" ? hole : hole(run);
  const document = path.steps.reduceRight(
    (selection, step, index) => `${step.field.name}${variant[index]?.(run) ?? ""} { ${selection} }`,
    inner,
  );
  // Every probe starts from an empty read model: a field's Stripe calls are its cold cost.
  await stack.gateway.readModel.store.clear();
  await resetRequests(stack);
  const response = await graphql(stack, `${path.operation} { ${document} }`, {}, run.customer);
  const { total } = await requestCounts(stack);
  return { calls: total, response };
}

/** The objects at the end of the path in the response (lists flattened, nulls left out). */
function parentsIn(response: GraphQLResponse, steps: Step[]): Record<string, unknown>[] {
  let level: unknown[] = [response.data];
  for (const step of steps) {
    level = level
      .flatMap((object) => (object as Record<string, unknown>)[step.field.name])
      .filter((value) => value !== null && value !== undefined);
  }
  return level.filter(
    (value): value is Record<string, unknown> => value !== null && value !== undefined,
  );
}
