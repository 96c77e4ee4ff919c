import type { DataAccess } from "../data/data-access.js";
import { NotFoundError } from "../data/errors.js";
import type { AccountActionErrorCode, RefreshFeature } from "../generated/graphql.js";
import type { StripeRefreshFeature } from "../stripe/fc-api.js";
import type { StripeAccount } from "../stripe/wire-types.js";

/** A caller-fixable problem with an account action. */
export interface AccountActionUserError {
  code: AccountActionErrorCode;
  field: string[];
  message: string;
}

/** An account action's result before GraphQL. */
export type AccountActionResult =
  | { account: StripeAccount; userErrors: [] }
  | { account: null; userErrors: AccountActionUserError[] };

/** The account actions, each with its preconditions. */
export type AccountAction =
  | { kind: "refresh"; features: readonly RefreshFeature[] }
  | { kind: "disconnect" }
  | { kind: "subscribeTransactions" }
  | { kind: "unsubscribeTransactions" };

const PERMISSION_OF: Record<RefreshFeature, string> = {
  BALANCE: "balances",
  OWNERSHIP: "ownership",
  TRANSACTIONS: "transactions",
};

const failure = (
  code: AccountActionErrorCode,
  field: string,
  message: string,
): AccountActionResult => ({
  account: null,
  userErrors: [{ code, field: ["input", field], message }],
});

/**
 * The first precondition `action` breaks on `account`, as the user-error result to answer with
 * (code, `["input", field]`, message), or null when the action may run. Pure: reads the account's
 * `status` and `permissions` only, and never calls Stripe.
 */
export function brokenPrecondition(
  account: StripeAccount,
  action: AccountAction,
): AccountActionResult | null {
  const permissions: readonly string[] = account.permissions ?? [];
  switch (action.kind) {
    case "disconnect":
      return account.status === "disconnected"
        ? failure("ALREADY_DISCONNECTED", "accountId", "The account is disconnected already.")
        : null;
    case "refresh": {
      if (action.features.length === 0)
        return failure("INVALID_FEATURES", "features", "Name at least one feature to refresh.");
      if (account.status !== "active") {
        return failure(
          "ACCOUNT_NOT_ACTIVE",
          "accountId",
          "Only active accounts can be refreshed: relink it first.",
        );
      }
      const missing = action.features.find(
        (feature) => !permissions.includes(PERMISSION_OF[feature]),
      );
      return missing === undefined
        ? null
        : failure(
            "PERMISSION_NOT_GRANTED",
            "features",
            `The account was not linked with the ${PERMISSION_OF[missing]} permission.`,
          );
    }
    case "subscribeTransactions":
    case "unsubscribeTransactions":
      if (account.status === "disconnected") {
        return failure("ACCOUNT_NOT_ACTIVE", "accountId", "The account is disconnected.");
      }
      return permissions.includes("transactions")
        ? null
        : failure(
            "PERMISSION_NOT_GRANTED",
            "accountId",
            "The account was not linked with the transactions permission.",
          );
  }
}

/**
 * Runs an account action on one of the viewer's accounts, read from Stripe (not the read model):
 * a missing or foreign account (NotFoundError) and broken preconditions become user errors and
 * no action reaches Stripe;
 * otherwise the action runs and the updated account is returned. Any failure of the action itself
 * rejects with the data layer's error (a top-level coded error at the edge), even a
 * `resource_missing`: the account was just read, so that is Stripe's answer to the action.
 */
export async function runAccountAction(
  data: DataAccess,
  accountId: string,
  action: AccountAction,
): Promise<AccountActionResult> {
  let account: StripeAccount;
  try {
    // Preconditions are checked against Stripe's state, never a possibly stale copy; the
    // operation's later reads (the payload's authorization) ask Stripe too.
    account = await data.account(accountId, { refresh: true, forAction: true });
  } catch (error) {
    if (error instanceof NotFoundError) {
      return failure("NOT_FOUND", "accountId", `No account ${accountId} among the viewer's.`);
    }
    throw error;
  }
  const broken = brokenPrecondition(account, action);
  if (broken !== null) return broken;
  switch (action.kind) {
    case "refresh": {
      const features = [...new Set(action.features)].map(
        (feature) => feature.toLowerCase() as StripeRefreshFeature,
      );
      return { account: await data.refreshAccount(account, features), userErrors: [] };
    }
    case "disconnect":
      return { account: await data.disconnectAccount(account), userErrors: [] };
    case "subscribeTransactions":
      return { account: await data.subscribeTransactions(account), userErrors: [] };
    case "unsubscribeTransactions":
      return { account: await data.unsubscribeTransactions(account), userErrors: [] };
  }
}
