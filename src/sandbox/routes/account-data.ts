import { resourceMissing } from "../http/errors.js";
import { generateInferredBalances } from "../state/generate.js";
import { nowSeconds } from "../state/ids.js";
import { renderInferredBalance, renderOwner } from "../state/render-data.js";
import { expand } from "./expand.js";
import { listObject, paginate } from "./list.js";
import { findAccount } from "./lookup.js";
import { expandPaths, type RouteHandler, stringParam } from "./route.js";

/**
 * GET .../accounts/{account}/owners?ownership=...: the owners of the account's current ownership
 * object. An ownership id that is not the account's answers 400 `resource_missing`.
 */
export const listOwners: RouteHandler = (request) => {
  const { context, params } = request;
  const account = findAccount(context, request.pathParams.account ?? "");
  const ownershipId = stringParam(params, "ownership") ?? "";
  const ownership =
    account.ownershipId === ownershipId ? context.store.ownershipOf(account) : undefined;
  if (!ownership) {
    throw resourceMissing("financial_connections.account_ownership", ownershipId, "ownership", 400);
  }
  const { page, hasMore } = paginate(
    [...ownership.owners].reverse(),
    (owner) => owner.id,
    params,
    "financial_connections.account_owner",
  );
  const data = page.map((owner) => renderOwner(owner, ownership.id));
  const url = `/v1/financial_connections/accounts/${account.id}/owners`;
  return expand(context, listObject(data, hasMore, url), expandPaths(params));
};

/** GET .../accounts/{account}/inferred_balances: 30 daily balances (none without `balances`). */
export const listInferredBalances: RouteHandler = (request) => {
  const { context, params } = request;
  const account = findAccount(context, request.pathParams.account ?? "");
  const balances = account.permissions.includes("balances")
    ? generateInferredBalances(account, nowSeconds()).reverse()
    : [];
  const { page, hasMore } = paginate(
    balances,
    (balance) => balance.id,
    params,
    "financial_connections.account_inferred_balance",
  );
  const url = `/v1/financial_connections/accounts/${account.id}/inferred_balances`;
  return expand(
    context,
    listObject(page.map(renderInferredBalance), hasMore, url),
    expandPaths(params),
  );
};
