import {
  buildSchema,
  type GraphQLNamedType,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  isScalarType,
  isUnionType,
} from "graphql";
import { describe, expect, it } from "vitest";
import { loadTypeDefs } from "../../src/server/type-defs.js";

/** Every place in the schema that lacks a description, as "Type.field(arg)" paths. */
function missingDescriptions(types: GraphQLNamedType[]): string[] {
  const missing: string[] = [];
  const need = (description: string | null | undefined, where: string) => {
    if (!description?.trim()) missing.push(where);
  };
  for (const type of types) {
    if (type.name.startsWith("__")) continue;
    need(type.description, type.name);
    if (isObjectType(type) || isInterfaceType(type)) {
      for (const field of Object.values(type.getFields())) {
        need(field.description, `${type.name}.${field.name}`);
        for (const arg of field.args)
          need(arg.description, `${type.name}.${field.name}(${arg.name})`);
      }
    } else if (isInputObjectType(type)) {
      for (const field of Object.values(type.getFields()))
        need(field.description, `${type.name}.${field.name}`);
    } else if (isEnumType(type)) {
      for (const value of type.getValues()) need(value.description, `${type.name}.${value.name}`);
    } else if (isScalarType(type) || isUnionType(type)) {
      // the type's own description is all they have
    }
  }
  return missing;
}

const schema = buildSchema(loadTypeDefs().join("\n"));
const ownTypes = Object.values(schema.getTypeMap()).filter(
  (type) => !["String", "Boolean", "Int", "Float", "ID"].includes(type.name),
);

describe("schema documentation", () => {
  it("has a description on every type, field, argument and enum value", () => {
    expect(missingDescriptions(ownTypes)).toEqual([]);
  });

  it("the check finds a missing description (so it cannot pass vacuously)", () => {
    const bare = buildSchema(
      '"Documented." type Query { "Documented." a(x: Int): Int b: Int } enum E { "Yes." Y N }',
    );
    expect(missingDescriptions(Object.values(bare.getTypeMap()))).toEqual(
      expect.arrayContaining(["Query.a(x)", "Query.b", "E", "E.N"]),
    );
  });

  it("gives every output enum an UNKNOWN value, since Stripe's enums are open", () => {
    const outputTypeNames = new Set(
      ownTypes
        .filter(
          (type) => (isObjectType(type) || isInterfaceType(type)) && !type.name.startsWith("__"),
        )
        .flatMap((type) =>
          isObjectType(type) || isInterfaceType(type)
            ? Object.values(type.getFields()).map((field) => getNamedType(field.type).name)
            : [],
        ),
    );
    const outputEnums = ownTypes
      .filter(isEnumType)
      .filter((type) => outputTypeNames.has(type.name));
    expect(outputEnums.length).toBeGreaterThan(5);
    const withoutUnknown = outputEnums
      .filter((type) => !type.getValue("UNKNOWN"))
      .map((type) => type.name);
    expect(withoutUnknown).toEqual([]);
  });
});
