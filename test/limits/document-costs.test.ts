import { parse } from "graphql";
import { describe, expect, it } from "vitest";
import { pricedOncePerDocument } from "../../src/limits/document-costs.js";
import type { CostRequest, PricingWork } from "../../src/limits/estimate-cost.js";

/** A pricer that counts its calls and prices by the `first` variable when there is one. */
function countingPricer() {
  const calls: CostRequest[] = [];
  const price = (request: CostRequest, work?: PricingWork) => {
    calls.push(request);
    if (work) {
      work.pricings += 1;
      work.visits += 1;
    }
    return 10 + Number(request.variables?.first ?? 0);
  };
  return { calls, price: pricedOncePerDocument(price) };
}

describe("pricedOncePerDocument", () => {
  it("prices an operation without variables once per parsed document and name, still counting each pricing", () => {
    const { calls, price } = countingPricer();
    const document = parse("query A { __typename } query B { __typename }");
    const work: PricingWork = { pricings: 0, visits: 0 };
    expect(price({ document, operationName: "A" }, work)).toBe(10);
    expect(price({ document, operationName: "A" }, work)).toBe(10);
    expect(price({ document, operationName: "B" }, work)).toBe(10);
    expect(calls).toHaveLength(2);
    expect(work).toEqual({ pricings: 3, visits: 2 });
    // Another parse of the same text is another document: priced again.
    price({ document: parse("query A { __typename } query B { __typename }"), operationName: "A" });
    expect(calls).toHaveLength(3);
  });

  it("prices an operation with variables on every request, with its variables", () => {
    const { calls, price } = countingPricer();
    const document = parse("query Q($first: Int) { accounts(first: $first) { nodes { id } } }");
    expect(price({ document, variables: { first: 5 } })).toBe(15);
    expect(price({ document, variables: { first: 90 } })).toBe(100);
    expect(calls).toHaveLength(2);
  });
});
