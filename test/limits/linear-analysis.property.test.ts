import fc from "fast-check";
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
import { countTokens } from "../support/adversarial-documents.js";
import { countingDocument } from "../support/counting-document.js";
import { documentFromChoices } from "../support/random-documents.js";

const schema = buildGatewaySchema();
const limits = loadConfig({}).graphql.limits;
/** As in linear-analysis.test.ts: a pricing visits each selection, each a token, at most once. */
const PRICING_VISITS_PER_TOKEN = 1;
/** As in linear-analysis.test.ts: bounded reads per visited node, ~30 rules in one walk. */
const VALIDATION_READS_PER_TOKEN = 100;

/**
 * Documents under the token limit, drawn from the real schema. Fragment chains fan out in
 * most of them; validity is not required: validation and the limit rules run on every document,
 * and pricing's bound holds whether or not validation would have let the document through.
 */
const documents = fc
  .array(fc.nat(), { minLength: 1, maxLength: 600, size: "max" })
  .map((choices) => documentFromChoices(schema, choices))
  .filter((query) => countTokens(query) <= limits.maxTokens);

const validationReads = (query: string, rules: readonly ValidationRule[]) => {
  const counted = countingDocument(parse(query));
  validate(schema, counted.document, rules);
  return counted.reads();
};

describe("every per-document analysis is linear in the document's size, for any document", () => {
  it("pricing, the limit rules and graphql-js's rules stay within their bounds", () => {
    fc.assert(
      fc.property(documents, (query) => {
        const tokens = countTokens(query);
        const work: PricingWork = { pricings: 0, visits: 0 };
        estimateCost(schema, { document: parse(query) }, work);
        expect(work.visits).toBeLessThanOrEqual(PRICING_VISITS_PER_TOKEN * tokens);
        for (const rules of [
          queryLimitRules(limits),
          // OverlappingFieldsCanBeMergedRule compares the fields of one response name pairwise,
          // quadratic in how many there are (see linear-analysis.test.ts): left out here.
          specifiedRules.filter((rule) => rule !== OverlappingFieldsCanBeMergedRule),
        ]) {
          expect(validationReads(query, rules)).toBeLessThanOrEqual(
            VALIDATION_READS_PER_TOKEN * tokens,
          );
        }
      }),
      { numRuns: 150 },
    );
  });
});
