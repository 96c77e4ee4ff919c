import { publishChanges } from "../context.js";
import { invalidParam } from "../http/errors.js";
import { TransitionError } from "../state/errors.js";
import { disconnectAccount } from "../state/lifecycle.js";
import { renderAccount } from "../state/render-account.js";
import type { AccountRecord, RefreshFeature, SubscriptionFeature } from "../state/types.js";
import { expand } from "./expand.js";
import { listObject, paginate } from "./list.js";
import { findAccount, findSession } from "./lookup.js";
import {
  expandPaths,
  nestedString,
  type RouteHandler,
  type RouteRequest,
  stringList,
  stringParam,
} from "./route.js";

const LIST_URL = "/v1/financial_connections/accounts";

/** GET /v1/financial_connections/accounts: filtered by account holder and/or session, newest first. */
export const listAccounts: RouteHandler = (request) => {
  const { context, params } = request;
  const { store } = context;
  const customer = nestedString(params, "account_holder", "customer");
  const connectAccount = nestedString(params, "account_holder", "account");
  const customerAccount = nestedString(params, "account_holder", "customer_account");
  const sessionId = stringParam(params, "session");
  if (customer && connectAccount) {
    // The spec: "`account_holder[customer]` and `account_holder[account]` are mutually exclusive."
    throw invalidParam(
      "account_holder[account]",
      "You cannot specify both account_holder[customer] and account_holder[account].",
    );
  }
  let ids: readonly string[];
  if (connectAccount || customerAccount) {
    ids = []; // The sandbox only has customer account holders.
  } else if (customer) {
    ids = store.customers.get(customer)?.accountIds ?? [];
  } else {
    ids = store.accountOrder;
  }
  if (sessionId) {
    const collected = new Set(findSession(context, sessionId, "session", 400).accountIds);
    ids = ids.filter((id) => collected.has(id));
  }
  const { page, hasMore } = paginate(ids, (id) => id, params, "financial_connections.account");
  const data = page.flatMap((id) => {
    const account = store.accounts.get(id);
    return account ? [renderAccount(store, account)] : [];
  });
  return expand(context, listObject(data, hasMore, LIST_URL), expandPaths(params));
};

/** GET /v1/financial_connections/accounts/{account} */
export const retrieveAccount: RouteHandler = (request) =>
  respondWithAccount(request, accountOf(request));

/** POST .../accounts/{account}/disconnect: ends access for good; emits `disconnected` once. */
export const disconnect: RouteHandler = (request) => {
  const account = accountOf(request);
  const changes = disconnectAccount(request.context.store, account);
  publishChanges(request.context, changes, request.cause);
  return respondWithAccount(request, account);
};

/** POST .../accounts/{account}/refresh: starts refreshing `features`; they finish shortly after. */
export const refresh: RouteHandler = (request) => {
  const account = accountOf(request);
  request.context.refresher.start(
    account,
    stringList(request.params, "features") as RefreshFeature[],
  );
  return respondWithAccount(request, account);
};

/** POST .../accounts/{account}/subscribe: adds data refresh subscriptions. */
export const subscribe: RouteHandler = (request) => {
  const account = accountOf(request);
  const features = stringList(request.params, "features") as SubscriptionFeature[];
  checkSubscribable(account, features);
  for (const feature of features) {
    if (!account.subscriptions.includes(feature)) account.subscriptions.push(feature);
  }
  return respondWithAccount(request, account);
};

/** POST .../accounts/{account}/unsubscribe: removes data refresh subscriptions. */
export const unsubscribe: RouteHandler = (request) => {
  const account = accountOf(request);
  const features = new Set(stringList(request.params, "features"));
  account.subscriptions = account.subscriptions.filter((feature) => !features.has(feature));
  return respondWithAccount(request, account);
};

function accountOf(request: RouteRequest): AccountRecord {
  return findAccount(request.context, request.pathParams.account ?? "");
}

function respondWithAccount(request: RouteRequest, account: AccountRecord) {
  const rendered = renderAccount(request.context.store, account);
  return expand(request.context, rendered, expandPaths(request.params));
}

function checkSubscribable(account: AccountRecord, features: SubscriptionFeature[]): void {
  if (account.status === "disconnected") {
    throw new TransitionError(
      `You cannot subscribe to data of a disconnected account: ${account.id}.`,
      "account",
    );
  }
  for (const feature of features) {
    const permission = feature === "transactions" ? "transactions" : "balances";
    if (!account.permissions.includes(permission)) {
      throw new TransitionError(
        `You cannot subscribe to ${feature} for account ${account.id}: it was not linked with the \`${permission}\` permission.`,
        "features",
      );
    }
  }
}
