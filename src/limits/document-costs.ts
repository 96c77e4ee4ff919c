import { type DocumentNode, getOperationAST } from "graphql";
import type { CostRequest, PricingWork } from "./estimate-cost.js";

/** Prices one request (`estimateCost` with the schema bound). */
export type Pricer = (request: CostRequest, work?: PricingWork) => number;

/**
 * Remembers the price of each operation that declares no variables, per document object and
 * operation name: such a price depends on nothing but the document (and the schema), and Apollo
 * hands every request with the same query text the same parsed document from its document
 * store, so a client repeating a query is priced once. An operation with variables is priced on
 * every request (its price may depend on them). A remembered price still counts as one pricing
 * in `work`, with no selections visited.
 */
export function pricedOncePerDocument(price: Pricer): Pricer {
  const prices = new WeakMap<DocumentNode, Map<string | null, number>>();
  return (request, work) => {
    const operation = getOperationAST(request.document, request.operationName ?? undefined);
    if (!operation || (operation.variableDefinitions?.length ?? 0) > 0) {
      return price(request, work);
    }
    const name = request.operationName ?? null;
    let byName = prices.get(request.document);
    const known = byName?.get(name);
    if (known !== undefined) {
      if (work) work.pricings += 1;
      return known;
    }
    const cost = price(request, work);
    if (byName === undefined) {
      byName = new Map();
      prices.set(request.document, byName);
    }
    byName.set(name, cost);
    return cost;
  };
}
