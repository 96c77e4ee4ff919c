/**
 * Issue 20, MEDIUM 2: validation work is bounded before it is done, and charged. graphql-js's
 * OverlappingFieldsCanBeMergedRule compares same-named fields pairwise: `validationWork` bounds
 * that work from the document's shape, in steps bounded by the document and the limit, so a
 * document over GRAPHQL_MAX_VALIDATION_WORK is refused before the rule runs (the refusal, on
 * every transport, is a row of test/pipeline/cross-transport.test.ts). Work is counted as
 * property reads on the AST (countingDocument), never as durations.
 */
import { OverlappingFieldsCanBeMergedRule, parse, validate } from "graphql";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/config.js";
import {
  analysisCost,
  NESTED_PAIR_WORK,
  VALIDATION_WORK_PER_POINT,
  validationWork,
} from "../../src/limits/validation-work.js";
import { buildGatewaySchema } from "../../src/server/schema.js";
import {
  countTokens,
  deepLists,
  fragmentFanOut,
  manyFragments,
  nestedFanOut,
  wideSelection,
} from "../support/adversarial-documents.js";
import { countingDocument } from "../support/counting-document.js";

const schema = buildGatewaySchema();
const limits = loadConfig({}).graphql.limits;
const times = (count: number, text: (index: number) => string) =>
  Array.from({ length: count }, (_, index) => text(index)).join(" ");

/** Documents whose validation work ranges from nothing to quadratic, within the token limit. */
const DOCUMENTS = [
  { name: "300 same-named leaf fields", query: `{ ${times(300, () => "__typename")} }` },
  {
    name: "30 same-named fields with selections",
    query: `{ ${times(30, () => "accounts { nodes { id } }")} }`,
  },
  {
    name: "20 of them, differing in arguments",
    query: `{ ${times(20, (i) => `accounts(first: ${1 + (i % 2)}) { nodes { id } }`)} }`,
  },
  {
    name: "20 fragments with the same fields",
    query: `{ ${times(20, (i) => `...F${i}`)} } ${times(20, (i) => `fragment F${i} on Query { accounts { nodes { id } } }`)}`,
  },
  { name: "160 inline fragments", query: `{ ${times(160, () => "... on Query { __typename }")} }` },
  { name: "fan-out chain, 16 levels of 3", query: fragmentFanOut(16) },
  { name: "20 fragments, each spreading every later one", query: manyFragments(20) },
  { name: "fan-out on accounts under lists, 12 levels", query: nestedFanOut(12) },
  { name: "a selection of 300 fields", query: wideSelection(300) },
  { name: "lists 8 deep", query: deepLists(8) },
];

/** Reads of OverlappingFieldsCanBeMergedRule per unit of work, and per token (its linear part). */
const RULE_READS_PER_WORK = 8;
const RULE_READS_PER_TOKEN = 20;
/** `validationWork` itself: one walk of the document, then at most a step per unit of work. */
const OWN_READS_PER_TOKEN = 40;

const ruleReads = (query: string) => {
  const counted = countingDocument(parse(query));
  validate(schema, counted.document, [OverlappingFieldsCanBeMergedRule]);
  return counted.reads();
};

describe("validationWork", () => {
  it("counts a selection, a pair of same-named fields, NESTED_PAIR_WORK per pair with selections or of fragments", () => {
    expect(validationWork(parse("{ a b c }"), 1e9)).toBe(3);
    // 4 fields, 6 pairs.
    expect(validationWork(parse("{ a a a a }"), 1e9)).toBe(4 + 6);
    // The pair of `a` has selections: compared, and their children merged into one level (b, b).
    expect(validationWork(parse("{ a { b } a { b } }"), 1e9)).toBe(
      2 + 1 + NESTED_PAIR_WORK + 2 + 1,
    );
    // A fragment spread twice at one level is expanded once, as the rule compares it once.
    expect(validationWork(parse("{ ...F ...F } fragment F on Query { a b }"), 1e9)).toBe(2 + 2 + 2);
    // Two distinct fragments at one level are a pair; their fields `a` another.
    const twoFragments = "{ ...F ...G } fragment F on Query { a } fragment G on Query { a }";
    expect(validationWork(parse(twoFragments), 1e9)).toBe(2 + NESTED_PAIR_WORK + 1 + 2);
  });

  it.each(DOCUMENTS)("$name: bounds the work of OverlappingFieldsCanBeMergedRule", ({ query }) => {
    expect(countTokens(query)).toBeLessThanOrEqual(limits.maxTokens);
    const work = validationWork(parse(query), 1e9);
    const bound = RULE_READS_PER_WORK * work + RULE_READS_PER_TOKEN * countTokens(query);
    expect(ruleReads(query)).toBeLessThanOrEqual(bound);
  });

  it.each(DOCUMENTS)("$name: costs one walk and at most `limit` steps to count", ({ query }) => {
    for (const limit of [100, 1e9]) {
      const counted = countingDocument(parse(query));
      const work = validationWork(counted.document, limit);
      expect(counted.reads()).toBeLessThanOrEqual(
        OWN_READS_PER_TOKEN * countTokens(query) + 4 * Math.min(work, limit),
      );
    }
  });

  it("stops counting just past the limit, however quadratic the document", () => {
    const quadratic = parse(`{ ${times(998, () => "__typename")} }`);
    const counted = countingDocument(quadratic);
    const work = validationWork(counted.document, 1_000);
    expect(work).toBeGreaterThan(1_000);
    // 998 fields would be 498,501 units: it stopped at the field that passed 1,000.
    expect(work).toBeLessThan(1_000 + 998);
    expect(counted.reads()).toBeLessThan(OWN_READS_PER_TOKEN * 1_000);
  });

  it("refuses, at the default limit, the documents that cost the rule quadratic work", () => {
    const limit = limits.maxValidationWork;
    expect(validationWork(parse(`{ ${times(998, () => "__typename")} }`), limit)).toBeGreaterThan(
      limit,
    );
    expect(
      validationWork(parse(`{ ${times(140, () => "accounts { nodes { id } }")} }`), limit),
    ).toBeGreaterThan(limit);
    // A dashboard query is far below it, and is charged no analysis point.
    const dashboard = parse(
      "query Dashboard { accounts(first: 10) { nodes { id displayName status health { state action message } authorization { id status } } } }",
    );
    expect(analysisCost(validationWork(dashboard, limit))).toBe(0);
    expect(analysisCost(limit)).toBe(limit / VALIDATION_WORK_PER_POINT);
  });
});
