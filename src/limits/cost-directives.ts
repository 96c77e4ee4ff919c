import {
  type ConstDirectiveNode,
  type GraphQLField,
  type GraphQLInterfaceType,
  type GraphQLSchema,
  getDirectiveValues,
  getNamedType,
  getNullableType,
  isInputObjectType,
  isInterfaceType,
  isListType,
  isObjectType,
} from "graphql";
import { MAX_PAGE } from "../stripe/paging.js";

/**
 * How many items a field returns, read from its `@listSize`: the factor its selection is charged by.
 * - `one`: no `@listSize` (a single object, or a list whose items cost nothing more);
 * - `assumed`: `assumedSize` items;
 * - `sliced`: the largest value of the `slicingArguments` given (schema defaults count), clamped
 *   to 1..MAX_PAGE as execution clamps it; `fallback` items when none is given;
 * - `perElement`: a list field that takes a list argument (`nodes(ids:)`) returns one item per
 *   element, at most `atMost`, and fetches each on its own: its `@cost` is charged per item, and
 *   once more for the field (the listing of the viewer's accounts unknown ids are checked against).
 *   (The specification allows only `Int` slicing arguments, so this is the gateway's rule.)
 */
export type ListSize =
  | { kind: "one" }
  | { kind: "assumed"; items: number }
  | { kind: "sliced"; arguments: readonly string[]; fallback: number }
  | { kind: "perElement"; argument: string; atMost: number };

/** The size of a field without `@listSize`. */
export const ONE: ListSize = { kind: "one" };

/** What the SDL's cost directives say of one field, as the pricing reads it. */
export interface FieldCost {
  /** `@cost(weight:)`: points per resolution of the field, on top of the point every field costs. */
  weight: number;
  /** How many items the field returns (`@listSize`). */
  size: ListSize;
}

/** The cost directives of every field that has one, keyed by schema coordinate (`Type.field`). */
export type CostDirectives = ReadonlyMap<string, FieldCost>;

const read = new WeakMap<GraphQLSchema, CostDirectives>();

/**
 * The schema's cost directives, read from its SDL once (at start-up: buildGatewaySchema asks
 * first) and then looked up in constant time per field. Throws, naming the field, when a
 * directive breaks the specification's rules or says something this gateway does not price.
 */
export function costDirectivesOf(schema: GraphQLSchema): CostDirectives {
  let directives = read.get(schema);
  if (!directives) {
    directives = readCostDirectives(schema);
    read.set(schema, directives);
  }
  return directives;
}

/**
 * Reads `@cost` and `@listSize` off the AST node of every field of the schema. The definitions are
 * Apollo Router's (schema/directives.graphql); the rules checked are the specification's
 * (https://ibm.github.io/graphql-specs/cost-spec.html#sec-Validation), plus: weights are not
 * negative, and `@cost` is only priced on fields of object types. A field of an interface gets
 * the cost of its implementations' fields, so a selection through the interface is priced too.
 */
export function readCostDirectives(schema: GraphQLSchema): CostDirectives {
  const costDirective = schema.getDirective("cost");
  const listSizeDirective = schema.getDirective("listSize");
  const directives = new Map<string, FieldCost>();
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith("__")) continue;
    const where = type.name;
    const typeNodes = [type.astNode, ...(type.extensionASTNodes ?? [])];
    if (typeNodes.some((node) => hasCost(node?.directives))) {
      throw invalid(where, "@cost is priced on fields only, not on types");
    }
    if (isInputObjectType(type)) {
      for (const field of Object.values(type.getFields())) {
        if (hasCost(field.astNode?.directives))
          throw invalid(`${where}.${field.name}`, "@cost is priced on output fields only");
      }
      continue;
    }
    if (!isObjectType(type) && !isInterfaceType(type)) continue;
    for (const field of Object.values(type.getFields())) {
      const coordinate = `${where}.${field.name}`;
      if (field.args.some((arg) => hasCost(arg.astNode?.directives)))
        throw invalid(coordinate, "@cost is priced on fields only, not on arguments");
      const node = field.astNode;
      if (!node) continue;
      const cost = costDirective && getDirectiveValues(costDirective, node);
      const listSize = listSizeDirective && getDirectiveValues(listSizeDirective, node);
      if (!cost && !listSize) continue;
      if (isInterfaceType(type)) {
        // The specification: an interface field costs what its implementations' fields cost.
        throw invalid(coordinate, "cost directives belong on the implementing types' fields");
      }
      const weight = cost ? (cost.weight as number) : 0;
      if (weight < 0) throw invalid(coordinate, "@cost(weight:) must not be negative");
      directives.set(coordinate, {
        weight,
        size: listSize ? readListSize(coordinate, field, listSize) : ONE,
      });
    }
  }
  for (const type of Object.values(schema.getTypeMap())) {
    if (isInterfaceType(type)) priceThroughInterface(schema, type, directives);
  }
  return directives;
}

/**
 * A field selected through an interface costs the most any implementation's field costs (the
 * specification's rule for abstract types); its implementations must agree on its size.
 */
function priceThroughInterface(
  schema: GraphQLSchema,
  type: GraphQLInterfaceType,
  directives: Map<string, FieldCost>,
): void {
  const implementations = schema.getPossibleTypes(type);
  for (const field of Object.values(type.getFields())) {
    const costs = implementations.map(
      (implementation) =>
        directives.get(`${implementation.name}.${field.name}`) ?? { weight: 0, size: ONE },
    );
    const [first] = costs;
    if (!first || costs.every((cost) => cost.weight === 0 && cost.size.kind === "one")) continue;
    const size = JSON.stringify(first.size);
    if (costs.some((cost) => JSON.stringify(cost.size) !== size))
      throw invalid(`${type.name}.${field.name}`, "its implementations disagree on @listSize");
    const weight = Math.max(...costs.map((cost) => cost.weight));
    directives.set(`${type.name}.${field.name}`, { weight, size: first.size });
  }
}

function readListSize(
  coordinate: string,
  field: GraphQLField<unknown, unknown>,
  values: Record<string, unknown>,
): ListSize {
  const assumedSize = (values.assumedSize ?? undefined) as number | undefined;
  const slicing = (values.slicingArguments as string[] | undefined) ?? [];
  const sizedFields = (values.sizedFields as string[] | undefined) ?? [];
  if (assumedSize !== undefined && assumedSize < 0)
    throw invalid(coordinate, "@listSize(assumedSize:) must not be negative");
  const returnsList = isListType(getNullableType(field.type));
  if (!returnsList && sizedFields.length === 0)
    throw invalid(coordinate, "@listSize needs a list field, or sizedFields");
  const returned = getNamedType(field.type);
  for (const name of sizedFields) {
    const sized = isObjectType(returned) ? returned.getFields()[name] : undefined;
    if (!sized || !isListType(getNullableType(sized.type)))
      throw invalid(coordinate, `sizedFields: "${name}" is not a list field of ${returned.name}`);
  }
  if (slicing.length > 0) {
    for (const name of slicing) {
      const arg = field.args.find((candidate) => candidate.name === name);
      if (!arg || getNullableType(arg.type).toString() !== "Int")
        throw invalid(coordinate, `slicingArguments: "${name}" is not an Int argument`);
    }
    const defaulted = field.args.some(
      (arg) => slicing.includes(arg.name) && arg.defaultValue !== undefined,
    );
    if (assumedSize !== undefined && (defaulted || values.requireOneSlicingArgument !== false))
      throw invalid(
        coordinate,
        "assumedSize with slicingArguments needs requireOneSlicingArgument: false and no default",
      );
    return { kind: "sliced", arguments: slicing, fallback: assumedSize ?? MAX_PAGE };
  }
  const listArguments = field.args.filter((arg) => isListType(getNullableType(arg.type)));
  if (returnsList && listArguments.length > 1)
    throw invalid(coordinate, "a list field sized by a list argument takes only one");
  const [listArgument] = listArguments;
  if (returnsList && listArgument)
    return { kind: "perElement", argument: listArgument.name, atMost: assumedSize ?? MAX_PAGE };
  return assumedSize === undefined ? ONE : { kind: "assumed", items: assumedSize };
}

function hasCost(directives: readonly ConstDirectiveNode[] | undefined): boolean {
  return directives?.some((directive) => directive.name.value === "cost") ?? false;
}

function invalid(coordinate: string, problem: string): Error {
  return new Error(`Cost directives of ${coordinate}: ${problem}.`);
}
