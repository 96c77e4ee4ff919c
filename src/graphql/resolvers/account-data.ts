import type { BalanceType, RefreshStatus, TransactionStatus } from "../../generated/graphql.js";
import { toOpenEnum } from "../../stripe/open-enum.js";
import type {
  AccountOwnerResolvers,
  BalanceResolvers,
  RefreshStateResolvers,
  TransactionResolvers,
} from "../resolver-types.generated.js";
import { fromEpoch, fromEpochOrNull } from "./scalars.js";

/** Stripe's `{ currency: minorUnits }` maps as a list of Money. */
const moneyList = (amounts: Record<string, number>) =>
  Object.entries(amounts).map(([currency, minorUnits]) => ({ currency, minorUnits }));

const BALANCE_TYPES = ["CASH", "CREDIT"] as const satisfies readonly BalanceType[];
const REFRESH_STATUSES = [
  "FAILED",
  "PENDING",
  "SUCCEEDED",
] as const satisfies readonly RefreshStatus[];
const TRANSACTION_STATUSES = [
  "PENDING",
  "POSTED",
  "VOID",
] as const satisfies readonly TransactionStatus[];

/** Balance fields from Stripe's balance hash. */
export const Balance: BalanceResolvers = {
  asOf: (balance) => fromEpoch(balance.as_of),
  type: (balance) => toOpenEnum(BALANCE_TYPES, balance.type),
  current: (balance) => moneyList(balance.current),
  available: (balance) => (balance.cash?.available ? moneyList(balance.cash.available) : null),
  used: (balance) => (balance.credit?.used ? moneyList(balance.credit.used) : null),
};

/** One shape for balance, ownership and transaction refreshes. */
export const RefreshState: RefreshStateResolvers = {
  status: (refresh) => toOpenEnum(REFRESH_STATUSES, refresh.status),
  lastAttemptedAt: (refresh) => fromEpoch(refresh.last_attempted_at),
  nextRefreshAvailableAt: (refresh) => fromEpochOrNull(refresh.next_refresh_available_at),
};

/** Transaction fields. */
export const Transaction: TransactionResolvers = {
  amount: (transaction) => ({ minorUnits: transaction.amount, currency: transaction.currency }),
  status: (transaction) => toOpenEnum(TRANSACTION_STATUSES, transaction.status),
  transactedAt: (transaction) => fromEpoch(transaction.transacted_at),
  postedAt: (transaction) => fromEpochOrNull(transaction.status_transitions.posted_at),
  voidedAt: (transaction) => fromEpochOrNull(transaction.status_transitions.void_at),
  updatedAt: (transaction) => fromEpoch(transaction.updated),
};

/** Account owner fields. */
export const AccountOwner: AccountOwnerResolvers = {
  rawAddress: (owner) => owner.raw_address,
  refreshedAt: (owner) => fromEpochOrNull(owner.refreshed_at),
};
