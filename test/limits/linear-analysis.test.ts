import {
  OverlappingFieldsCanBeMergedRule,
  parse,
  specifiedRules,
  type ValidationRule,
  validate,
} from "graphql";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/config.js";
import { estimateCost, type PricingWork } from "../../src/limits/estimate-cost.js";
import { queryLimitRules } from "../../src/limits/query-limit-rules.js";
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

/**
 * Every selection is at least one token, and a linear pricing walks each selection of the
 * document once (a fragment's body once, however often it is spread): visits ≤ tokens.
 */
const PRICING_VISITS_PER_TOKEN = 1;
/**
 * A validation rule reads a bounded number of properties of each AST node it visits; graphql-js
 * runs its ~30 rules in one parallel walk. Measured: 15 to 80 reads a token on every document
 * below. An analysis that re-walked a fragment per spread would read thousands a token.
 */
const VALIDATION_READS_PER_TOKEN = 100;

/** Adversarial documents within the token limit, with the price the cost model gives them. */
const ADVERSARIAL = [
  { name: "fan-out chain, 8 levels of 3", query: fragmentFanOut(8), price: (3 ** 8 - 1) / 2 },
  { name: "fan-out chain, 12 levels of 3", query: fragmentFanOut(12), price: (3 ** 12 - 1) / 2 },
  { name: "fan-out chain, 16 levels of 3", query: fragmentFanOut(16), price: (3 ** 16 - 1) / 2 },
  { name: "fan-out chain, 20 levels of 3", query: fragmentFanOut(20), price: (3 ** 20 - 1) / 2 },
  {
    name: "20 fragments, each spreading every later one",
    query: manyFragments(20),
    price: 2 ** 19,
  },
  { name: "fan-out on accounts under lists, 12 levels", query: nestedFanOut(12) },
  { name: "a selection of 900 fields", query: wideSelection(900) },
  { name: "lists 40 deep", query: deepLists(40) },
];

const priced = (query: string) => {
  const work: PricingWork = { pricings: 0, visits: 0 };
  const cost = estimateCost(schema, { document: parse(query) }, work);
  return { cost, work, tokens: countTokens(query) };
};

/** Property reads of a validation over the document, by countingDocument. */
const validationReads = (query: string, rules: readonly ValidationRule[]) => {
  const counted = countingDocument(parse(query));
  validate(schema, counted.document, rules);
  return counted.reads();
};

describe("every per-document analysis is linear in the document's size", () => {
  it.each(ADVERSARIAL)("$name: within the token limit", ({ query }) => {
    expect(countTokens(query)).toBeLessThanOrEqual(limits.maxTokens);
  });

  it.each(ADVERSARIAL)("$name: pricing visits each selection at most once", ({ query }) => {
    const { work, tokens } = priced(query);
    expect(work.pricings).toBe(1);
    expect(work.visits).toBeGreaterThan(0);
    expect(work.visits).toBeLessThanOrEqual(PRICING_VISITS_PER_TOKEN * tokens);
  });

  it("prices a fragment's fields wherever it is spread, computing them once", () => {
    for (const { query, price } of ADVERSARIAL) {
      if (price !== undefined) expect(priced(query).cost).toBe(price);
    }
    // Three spreads of the same fragment cost three times its body; the body is walked once.
    const thrice = priced(
      '{ node(id: "fca_1") { ...A ...A ...A } } fragment A on Account { id status }',
    );
    expect(thrice.cost).toBe(1 + 20 + 3 * 2);
    expect(thrice.work.visits).toBe(1 + 3 + 2); // node, three spreads, A's two fields
  });

  it.each(ADVERSARIAL)(
    "$name: the limit rules (depth, aliases, directives) are linear",
    ({ query }) => {
      const reads = validationReads(query, queryLimitRules(limits));
      expect(reads).toBeLessThanOrEqual(VALIDATION_READS_PER_TOKEN * countTokens(query));
    },
  );

  // graphql-js's OverlappingFieldsCanBeMergedRule compares the fields of one response name
  // pairwise: on the 900-field selection it is quadratic (about 10^3 reads a token at the token
  // limit). It is linear on fragment fan-outs (it compares each fragment once per selection set).
  it.each(ADVERSARIAL)("$name: graphql-js's validation rules are linear", ({ query, name }) => {
    const rules = name.includes("900 fields")
      ? specifiedRules.filter((rule) => rule !== OverlappingFieldsCanBeMergedRule)
      : specifiedRules;
    const reads = validationReads(query, rules);
    expect(reads).toBeLessThanOrEqual(VALIDATION_READS_PER_TOKEN * countTokens(query));
  });
});
