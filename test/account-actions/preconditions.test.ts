import { describe, expect, it } from "vitest";
import {
  type AccountAction,
  brokenPrecondition,
} from "../../src/account-actions/run-account-action.js";
import type { StripeAccount } from "../../src/stripe/wire-types.js";

type Status = "active" | "inactive" | "disconnected";

/** An account with just what the preconditions read. */
const account = (status: Status, permissions: string[] | null = []): StripeAccount =>
  ({
    id: "fca_precondition1",
    object: "financial_connections.account",
    status,
    permissions,
  }) as StripeAccount;

const refresh = (...features: ("BALANCE" | "OWNERSHIP" | "TRANSACTIONS")[]): AccountAction => ({
  kind: "refresh",
  features,
});
const DISCONNECT: AccountAction = { kind: "disconnect" };
const SUBSCRIBE: AccountAction = { kind: "subscribeTransactions" };
const UNSUBSCRIBE: AccountAction = { kind: "unsubscribeTransactions" };
const ALL_PERMISSIONS = ["balances", "ownership", "payment_method", "transactions"];

describe("brokenPrecondition: actions that may run", () => {
  it.each<[string, StripeAccount, AccountAction]>([
    ["disconnect an active account", account("active"), DISCONNECT],
    ["disconnect an inactive account", account("inactive"), DISCONNECT],
    [
      "refresh a balance with the balances permission",
      account("active", ["balances"]),
      refresh("BALANCE"),
    ],
    [
      "refresh several features, each permitted",
      account("active", ALL_PERMISSIONS),
      refresh("BALANCE", "OWNERSHIP", "TRANSACTIONS"),
    ],
    [
      "subscribe to transactions of an active account",
      account("active", ["transactions"]),
      SUBSCRIBE,
    ],
    [
      "subscribe to transactions of an inactive account",
      account("inactive", ["transactions"]),
      SUBSCRIBE,
    ],
    ["unsubscribe from transactions", account("active", ["transactions"]), UNSUBSCRIBE],
  ])("%s: none broken", (_name, target, action) => {
    expect(brokenPrecondition(target, action)).toBeNull();
  });
});

describe("brokenPrecondition: the first broken precondition, as a user error", () => {
  it.each<[string, string, StripeAccount, AccountAction, string, RegExp]>([
    [
      "disconnecting a disconnected account",
      "ALREADY_DISCONNECTED",
      account("disconnected"),
      DISCONNECT,
      "accountId",
      /disconnected already/,
    ],
    [
      "refreshing no feature (checked before the status)",
      "INVALID_FEATURES",
      account("inactive", ALL_PERMISSIONS),
      refresh(),
      "features",
      /at least one feature/,
    ],
    [
      "refreshing an inactive account",
      "ACCOUNT_NOT_ACTIVE",
      account("inactive", ALL_PERMISSIONS),
      refresh("BALANCE"),
      "accountId",
      /relink it first/,
    ],
    [
      "refreshing a disconnected account",
      "ACCOUNT_NOT_ACTIVE",
      account("disconnected", ALL_PERMISSIONS),
      refresh("BALANCE"),
      "accountId",
      /Only active accounts/,
    ],
    [
      "refreshing a feature whose permission was not granted",
      "PERMISSION_NOT_GRANTED",
      account("active", ["balances"]),
      refresh("BALANCE", "OWNERSHIP"),
      "features",
      /ownership permission/,
    ],
    [
      "refreshing transactions of an account without permissions",
      "PERMISSION_NOT_GRANTED",
      account("active", null),
      refresh("TRANSACTIONS"),
      "features",
      /transactions permission/,
    ],
    [
      "subscribing to transactions of a disconnected account",
      "ACCOUNT_NOT_ACTIVE",
      account("disconnected", ["transactions"]),
      SUBSCRIBE,
      "accountId",
      /disconnected/,
    ],
    [
      "subscribing without the transactions permission",
      "PERMISSION_NOT_GRANTED",
      account("active", ["balances"]),
      SUBSCRIBE,
      "accountId",
      /transactions permission/,
    ],
    [
      "unsubscribing from a disconnected account",
      "ACCOUNT_NOT_ACTIVE",
      account("disconnected", ["transactions"]),
      UNSUBSCRIBE,
      "accountId",
      /disconnected/,
    ],
    [
      "unsubscribing without the transactions permission",
      "PERMISSION_NOT_GRANTED",
      account("inactive", []),
      UNSUBSCRIBE,
      "accountId",
      /transactions permission/,
    ],
  ])("%s is %s", (_name, code, target, action, field, message) => {
    const broken = brokenPrecondition(target, action);
    expect(broken).toEqual({
      account: null,
      userErrors: [{ code, field: ["input", field], message: expect.stringMatching(message) }],
    });
  });
});
