import { resourceMissing } from "../http/errors.js";
import { renderTransaction } from "../state/render-data.js";
import type { TransactionRecord } from "../state/types.js";
import { expand } from "./expand.js";
import { listObject, paginate, rangeFilter } from "./list.js";
import { findAccount } from "./lookup.js";
import { expandPaths, nestedString, type RouteHandler, stringParam } from "./route.js";

const LIST_URL = "/v1/financial_connections/transactions";

/**
 * GET /v1/financial_connections/transactions?account=...: the account's transactions, newest
 * first, filtered by `transacted_at` (exact or gt/gte/lt/lte) and `transaction_refresh[after]`.
 */
export const listTransactions: RouteHandler = (request) => {
  const { context, params } = request;
  const account = findAccount(context, stringParam(params, "account") ?? "", "account", 400);
  const after = nestedString(params, "transaction_refresh", "after");
  let afterPosition: number | undefined;
  if (after) {
    afterPosition = context.store.refreshPosition(after);
    if (afterPosition === undefined) {
      throw resourceMissing(
        "financial_connections.transaction_refresh",
        after,
        "transaction_refresh[after]",
        400,
      );
    }
  }
  const inRange = rangeFilter(params.transacted_at);
  const transactions = context.store.transactionsOf(account).filter((transaction) => {
    if (!inRange(transaction.transactedAt)) return false;
    if (afterPosition === undefined) return true;
    return (context.store.refreshPosition(transaction.refreshId) ?? 0) > afterPosition;
  });
  const { page, hasMore } = paginate(
    sortByTransactedAt(transactions),
    (transaction) => transaction.id,
    params,
    "financial_connections.transaction",
  );
  return expand(
    context,
    listObject(page.map(renderTransaction), hasMore, LIST_URL),
    expandPaths(params),
  );
};

/** GET /v1/financial_connections/transactions/{transaction} */
export const retrieveTransaction: RouteHandler = (request) => {
  const id = request.pathParams.transaction ?? "";
  const transaction = request.context.store.transaction(id);
  if (!transaction) throw resourceMissing("financial_connections.transaction", id, "transaction");
  return expand(request.context, renderTransaction(transaction), expandPaths(request.params));
};

/** Oldest first by date, ties by creation order (the list reverses it to newest first). */
function sortByTransactedAt(transactions: TransactionRecord[]): TransactionRecord[] {
  return [...transactions].sort((a, b) => a.transactedAt - b.transactedAt || a.seq - b.seq);
}
