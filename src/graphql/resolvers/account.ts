import type {
  AccountCategory,
  AccountPermission,
  AccountStatus,
  AccountSubcategory,
  AccountSubscription,
} from "../../generated/graphql.js";
import { deriveAccountHealth } from "../../health/account-health.js";
import { checkedAtOfObject } from "../../read-model/checked-at.js";
import { toOpenEnum } from "../../stripe/open-enum.js";
import { clampFirst } from "../../stripe/paging.js";
import type { StripeAccount } from "../../stripe/wire-types.js";
import type { AccountResolvers } from "../resolver-types.generated.js";
import { connectionOf } from "./connection.js";
import { fromEpoch } from "./scalars.js";

const STATUSES = ["ACTIVE", "INACTIVE", "DISCONNECTED"] as const satisfies readonly AccountStatus[];
const CATEGORIES = [
  "CASH",
  "CREDIT",
  "INVESTMENT",
  "OTHER",
] as const satisfies readonly AccountCategory[];
const SUBCATEGORIES = [
  "CHECKING",
  "CREDIT_CARD",
  "LINE_OF_CREDIT",
  "MORTGAGE",
  "SAVINGS",
  "OTHER",
] as const satisfies readonly AccountSubcategory[];
const PERMISSIONS = [
  "BALANCES",
  "OWNERSHIP",
  "PAYMENT_METHOD",
  "TRANSACTIONS",
] as const satisfies readonly AccountPermission[];
const SUBSCRIPTIONS = ["TRANSACTIONS"] as const satisfies readonly AccountSubscription[];

/** The account's status as the GraphQL enum (UNKNOWN for values Stripe added later). */
export const accountStatus = (account: StripeAccount): AccountStatus =>
  toOpenEnum(STATUSES, account.status);

/** Maps Stripe's permission strings (open enum) to the GraphQL enum. */
export const toPermissions = (values: readonly string[] | null | undefined): AccountPermission[] =>
  (values ?? []).map((value) => toOpenEnum(PERMISSIONS, value));

const ownershipId = (account: StripeAccount): string | null => {
  const ownership = account.ownership;
  if (ownership === null || ownership === undefined) return null;
  return typeof ownership === "string" ? ownership : ownership.id;
};

/** Account fields: Stripe's fields in GraphQL form, derived health, and related objects via loaders. */
export const Account: AccountResolvers = {
  displayName: (account) => account.display_name,
  institutionName: (account) => account.institution_name,
  category: (account) => toOpenEnum(CATEGORIES, account.category),
  subcategory: (account) => toOpenEnum(SUBCATEGORIES, account.subcategory),
  status: accountStatus,
  health: (account) => deriveAccountHealth(account),
  permissions: (account) => toPermissions(account.permissions),
  subscriptions: (account) =>
    (account.subscriptions ?? []).map((value) => toOpenEnum(SUBSCRIPTIONS, value)),
  balanceRefresh: (account) => account.balance_refresh,
  ownershipRefresh: (account) => account.ownership_refresh,
  transactionRefresh: (account) => account.transaction_refresh,
  createdAt: (account) => fromEpoch(account.created),
  checkedAt: (account) => new Date(checkedAtOfObject(account, Date.now())),
  // A warm read answers at once (no promise per account: see data/warm-reads.ts).
  authorization: (account, _args, { data }) =>
    account.authorization
      ? (data.authorizationNow(account.authorization) ?? data.authorization(account.authorization))
      : null,
  transactions: async (account, { first, after }, { data }) => {
    if (!account.permissions?.includes("transactions")) return null;
    const page = await data.transactions(account, {
      limit: clampFirst(first, 20),
      startingAfter: after ?? undefined,
    });
    return connectionOf(page.data, page.has_more, after !== null && after !== undefined);
  },
  owners: async (account, { first, after }, { data }) => {
    const ownership = ownershipId(account);
    if (!account.permissions?.includes("ownership") || ownership === null) return null;
    const page = await data.owners(account, ownership, {
      limit: clampFirst(first, 20),
      startingAfter: after ?? undefined,
    });
    return connectionOf(page.data, page.has_more, after !== null && after !== undefined);
  },
};
