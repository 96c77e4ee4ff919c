import {
  type GraphQLArgument,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLSchema,
  getNamedType,
  isCompositeType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
} from "graphql";

/** Deepest field nesting the generator writes inside one selection (spreads add their own). */
const FIELD_DEPTH = 4;
const MAX_FRAGMENTS = 10;

/**
 * Reads choices in turn, each reduced to 0..n-1, then 0 once they run out: the first option of
 * every choice is the smallest (one field, no spread), so a shrunk list gives a smaller document.
 */
function chooser(choices: readonly number[]) {
  let index = 0;
  return (n: number): number => {
    const choice = choices[index++] ?? 0;
    return n <= 1 ? 0 : choice % n;
  };
}

type FieldWithArgs = GraphQLField<unknown, unknown>;

const fieldsOf = (type: GraphQLCompositeType): FieldWithArgs[] =>
  isObjectType(type) || isInterfaceType(type) ? Object.values(type.getFields()) : [];

/** A literal for an input type: required input fields only, lists of one. */
function literal(type: GraphQLInputType): string {
  if (isNonNullType(type)) return literal(type.ofType);
  if (isListType(type)) return `[${literal(type.ofType)}]`;
  if (isEnumType(type)) return type.getValues()[0]?.name ?? "null";
  if (isInputObjectType(type)) {
    const fields = Object.values(type.getFields()).filter((field) => isNonNullType(field.type));
    return `{ ${fields.map((field) => `${field.name}: ${literal(field.type)}`).join(" ")} }`;
  }
  if (isScalarType(type)) {
    if (type.name === "Int" || type.name === "Float") return "1";
    if (type.name === "Boolean") return "true";
    return '"x"';
  }
  return "null";
}

/**
 * A random GraphQL document over `schema`, drawn from `choices` (so fast-check can shrink it):
 * one query and up to ten named fragments on the schema's types, each fragment spreading only
 * later fragments of the same type (no cycles), one to three times over, so that chains of
 * fragments fan out; fields from the real schema with their required arguments, some `first`
 * arguments, aliases, `@include` directives and inline fragments. Not always valid (fragments
 * may go unused, aliases may clash), which no analysis may take as a reason to do more work.
 */
export function documentFromChoices(schema: GraphQLSchema, choices: readonly number[]): string {
  const next = chooser(choices);
  const queryType = schema.getQueryType();
  if (!queryType) throw new Error("the schema has no Query type");
  const types = Object.values(schema.getTypeMap()).filter(
    (type): type is GraphQLCompositeType =>
      isCompositeType(type) &&
      !type.name.startsWith("__") &&
      type !== schema.getMutationType() &&
      type !== schema.getSubscriptionType() &&
      fieldsOf(type).length > 0,
  );
  // Two fragments in three on Query, so that long chains of spreads form.
  const fragmentTypes = Array.from({ length: next(MAX_FRAGMENTS + 1) }, () =>
    next(3) < 2 ? queryType : (types[next(types.length)] ?? queryType),
  );
  let aliases = 0;

  const args = (field: FieldWithArgs): string => {
    const written = field.args
      .filter(
        (arg: GraphQLArgument) =>
          isNonNullType(arg.type) || (arg.name === "first" && next(2) === 1),
      )
      .map((arg) => `${arg.name}: ${arg.name === "first" ? 1 + next(120) : literal(arg.type)}`);
    return written.length === 0 ? "" : `(${written.join(" ")})`;
  };

  const selectionSet = (type: GraphQLCompositeType, depth: number, fragment: number): string => {
    const selections: string[] = [];
    for (let i = 0, fields = 1 + next(3); i < fields; i++) {
      selections.push(
        next(8) === 7 && depth > 0
          ? `... on ${type.name} ${selectionSet(type, depth - 1, fragment)}`
          : field(type, depth, fragment),
      );
    }
    const later = fragmentTypes.flatMap((fragmentType, index) =>
      index > fragment && fragmentType === type ? [index] : [],
    );
    for (let i = 0, spreads = later.length > 0 ? next(4) : 0; i < spreads; i++) {
      const target = later[next(later.length)];
      for (let times = 1 + next(3); times > 0; times--) selections.push(`...F${target}`);
    }
    return `{ ${selections.join(" ")} }`;
  };

  const field = (type: GraphQLCompositeType, depth: number, fragment: number): string => {
    const candidates = fieldsOf(type).filter(
      (candidate) => depth > 0 || !isCompositeType(getNamedType(candidate.type)),
    );
    const chosen = candidates[next(candidates.length)];
    if (chosen === undefined) return "__typename";
    const alias = next(8) === 7 ? `a${aliases++}: ` : "";
    const directive = next(8) === 7 ? " @include(if: true)" : "";
    const childType = getNamedType(chosen.type);
    const children = isCompositeType(childType)
      ? ` ${selectionSet(childType, depth - 1, fragment)}`
      : "";
    return `${alias}${chosen.name}${args(chosen)}${directive}${children}`;
  };

  const operation = `query ${selectionSet(queryType, FIELD_DEPTH, -1)}`;
  const fragments = fragmentTypes.map(
    (type, index) => `fragment F${index} on ${type.name} ${selectionSet(type, FIELD_DEPTH, index)}`,
  );
  return [operation, ...fragments].join("\n");
}
