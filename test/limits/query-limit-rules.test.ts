import { parse, specifiedRules, validate } from "graphql";
import { describe, expect, it } from "vitest";
import type { QueryLimits } from "../../src/config/config.js";
import { queryLimitRules, tokenLimitParseOptions } from "../../src/limits/query-limit-rules.js";
import { buildGatewaySchema } from "../../src/server/schema.js";

const schema = buildGatewaySchema();
const LIMITS: QueryLimits = {
  maxDepth: 3,
  maxAliases: 2,
  maxTokens: 30,
  maxDirectives: 1,
  maxCost: 1_000,
  maxValidationWork: 100_000,
};
const messages = (query: string) =>
  validate(schema, parse(query), [...specifiedRules, ...queryLimitRules(LIMITS)]).map(
    (error) => error.message,
  );

describe("the query limit rules", () => {
  it("report a refusal as a validation error, not a thrown exception", () => {
    expect(() => messages("{ a: __typename b: __typename c: __typename }")).not.toThrow();
    expect(messages("{ a: __typename b: __typename c: __typename }")).toEqual([
      "Aliases limit of 2 exceeded, found 3.",
    ]);
  });

  it("count aliases spread from fragments, `__typename` included", () => {
    expect(messages("{ a: __typename ...F } fragment F on Query { b: __typename }")).toEqual([]);
    expect(
      messages("{ a: __typename ...F } fragment F on Query { b: __typename c: __typename }"),
    ).toEqual(["Aliases limit of 2 exceeded, found 3."]);
  });

  it("measure depth through fragments, which add no level of their own", () => {
    const viaFragment = (leaf: string) =>
      `{ accounts { ...Page } } fragment Page on AccountConnection { nodes { ${leaf} } }`;
    expect(messages(viaFragment("id"))).toEqual([]);
    expect(messages(viaFragment("health { state }"))).toEqual([
      "Query depth limit of 3 exceeded, found 4.",
    ]);
    expect(messages("{ accounts { nodes { ... on Account { id } } } }")).toEqual([]);
  });

  it("count directives in fragments where they are spread", () => {
    expect(messages("{ ...F } fragment F on Query { __typename @include(if: true) }")).toEqual([]);
    expect(
      messages(
        "{ __typename @skip(if: false) ...F } fragment F on Query { __typename @include(if: true) }",
      ),
    ).toEqual(["Directives limit of 1 exceeded, found 2."]);
  });

  it("stop parsing at the first token over the limit", () => {
    const options = tokenLimitParseOptions(LIMITS);
    expect(() => parse(`{ ${"__typename ".repeat(28)}}`, options)).not.toThrow();
    expect(() => parse(`{ ${"__typename ".repeat(29)}}`, options)).toThrow(
      "Document contains more that 30 tokens. Parsing aborted.",
    );
  });
});
