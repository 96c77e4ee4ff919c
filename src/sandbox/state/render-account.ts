import type { JsonObject } from "./json.js";
import type { Store } from "./store.js";
import type { AccountRecord, AuthorizationRecord, RefreshState } from "./types.js";

/**
 * The `financial_connections.account` wire object as the preview API version renders it now.
 * Every field the spec lists as required is present (null where it does not apply). Expandable
 * fields are ids; see expand.ts.
 */
export function renderAccount(store: Store, account: AccountRecord): JsonObject {
  const institution = store.institutions.get(account.institutionId);
  return {
    id: account.id,
    object: "financial_connections.account",
    account_holder: { customer: account.customerId, type: "customer" },
    account_numbers: account.permissions.includes("payment_method")
      ? [
          {
            expected_expiry_date: null,
            identifier_type: "account_number",
            status: account.status === "active" ? "transactable" : "deactivated",
            supported_networks: ["ach"],
          },
        ]
      : null,
    authorization: account.authorizationId,
    balance: renderBalance(account),
    balance_refresh: renderRefresh(account.balanceRefresh),
    category: account.category,
    created: account.created,
    display_name: account.displayName,
    inferred_balances_refresh: renderRefresh(account.inferredBalancesRefresh),
    institution: account.institutionId,
    institution_name: institution?.name ?? "Unknown institution",
    last4: account.last4,
    livemode: false,
    ownership: account.ownershipId,
    ownership_refresh: renderRefresh(account.ownershipRefresh),
    permissions: [...account.permissions],
    status: account.status,
    status_details: renderAccountStatusDetails(account),
    subcategory: account.subcategory,
    subscriptions: [...account.subscriptions],
    supported_payment_method_types: account.category === "cash" ? ["us_bank_account", "link"] : [],
    transaction_refresh: account.transactionRefresh
      ? {
          id: account.transactionRefresh.id,
          last_attempted_at: account.transactionRefresh.lastAttemptedAt,
          next_refresh_available_at: account.transactionRefresh.nextRefreshAvailableAt,
          status: account.transactionRefresh.status,
        }
      : null,
  };
}

/** `status_details` of an account: `active` while expiring, `inactive` while inactive, else `{}`. */
export function renderAccountStatusDetails(account: AccountRecord): JsonObject {
  if (account.status === "active" && account.activeDetails) {
    return {
      active: {
        action: account.activeDetails.action,
        cause: account.activeDetails.cause,
        expected_deactivation_date: account.activeDetails.expectedDeactivationDate,
      },
    };
  }
  if (account.status === "inactive" && account.inactiveDetails) {
    return {
      inactive: { action: account.inactiveDetails.action, cause: account.inactiveDetails.cause },
    };
  }
  return {};
}

/** `status_details` of an authorization, shaped like the account's but without causes. */
export function renderAuthorizationStatusDetails(authorization: AuthorizationRecord): JsonObject {
  if (authorization.status === "active" && authorization.activeDetails) {
    return {
      active: {
        action: authorization.activeDetails.action,
        expected_deactivation_date: authorization.activeDetails.expectedDeactivationDate,
      },
    };
  }
  if (authorization.status === "inactive" && authorization.inactiveAction) {
    return { inactive: { action: authorization.inactiveAction } };
  }
  return {};
}

/** The `financial_connections.authorization` wire object. */
export function renderAuthorization(store: Store, authorization: AuthorizationRecord): JsonObject {
  return {
    id: authorization.id,
    object: "financial_connections.authorization",
    account_holder: { customer: authorization.customerId, type: "customer" },
    institution: authorization.institutionId,
    institution_name:
      store.institutions.get(authorization.institutionId)?.name ?? "Unknown institution",
    livemode: false,
    status: authorization.status,
    status_details: renderAuthorizationStatusDetails(authorization),
  };
}

function renderBalance(account: AccountRecord): JsonObject | null {
  const balance = account.balance;
  if (!balance) return null;
  const rendered: JsonObject = {
    as_of: balance.asOf,
    current: { usd: balance.current },
    type: balance.type,
  };
  if (balance.type === "cash") rendered.cash = { available: { usd: balance.secondary } };
  else rendered.credit = { used: { usd: balance.secondary } };
  return rendered;
}

function renderRefresh(refresh: RefreshState | null): JsonObject | null {
  if (!refresh) return null;
  return {
    last_attempted_at: refresh.lastAttemptedAt,
    next_refresh_available_at: refresh.nextRefreshAvailableAt,
    status: refresh.status,
  };
}
