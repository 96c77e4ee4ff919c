import {
  buildSchema,
  type GraphQLDirective,
  type GraphQLNamedType,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  isScalarType,
  isSpecifiedDirective,
  isUnionType,
} from "graphql";
import { describe, expect, it } from "vitest";
import { loadTypeDefs } from "../../src/server/type-defs.js";

/**
 * Every place in the schema that lacks a description, as "Type.field(arg)" paths, and
 * "@directive(arg)" for the schema's own directive definitions (graphql's built-in ones are
 * documented by graphql-js).
 */
function missingDescriptions(
  types: GraphQLNamedType[],
  directives: readonly GraphQLDirective[] = [],
): string[] {
  const missing: string[] = [];
  const need = (description: string | null | undefined, where: string) => {
    if (!description?.trim()) missing.push(where);
  };
  for (const directive of directives) {
    if (isSpecifiedDirective(directive)) continue;
    need(directive.description, `@${directive.name}`);
    for (const arg of directive.args) need(arg.description, `@${directive.name}(${arg.name})`);
  }
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
  it("has a description on every type, field, argument, enum value and directive", () => {
    expect(missingDescriptions(ownTypes, schema.getDirectives())).toEqual([]);
    expect(schema.getDirective("cost")?.description).toBeTruthy(); // the check saw them
  });

  it("the check finds a missing description (so it cannot pass vacuously)", () => {
    const bare = buildSchema(
      '"Documented." type Query { "Documented." a(x: Int): Int b: Int } enum E { "Yes." Y N }',
    );
    expect(missingDescriptions(Object.values(bare.getTypeMap()))).toEqual(
      expect.arrayContaining(["Query.a(x)", "Query.b", "E", "E.N"]),
    );
  });

  it("the check finds an undocumented directive or directive argument", () => {
    const bare = buildSchema(
      '"Documented." type Query { "Documented." a: Int } directive @bare(x: Int) on FIELD_DEFINITION "Documented." directive @half("Documented." y: Int, z: Int) on OBJECT',
    );
    expect(missingDescriptions(Object.values(bare.getTypeMap()), bare.getDirectives())).toEqual([
      "@bare",
      "@bare(x)",
      "@half(z)",
    ]);
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
