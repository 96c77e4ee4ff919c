/**
 * Internal records of the sandbox store. They hold the facts; `render*` turns them into Stripe's
 * wire objects, so a change made here is seen by every later response and event.
 */

/** Status of an account or authorization (`status` on the wire). */
export type AccountStatus = "active" | "inactive" | "disconnected";
/** `status_details.*.action`: whether a relink can repair the connection. */
export type RelinkAction = "none" | "relink_required";
/** `status_details.inactive.cause`. */
export type InactiveCause =
  | "access_denied"
  | "access_expired"
  | "account_closed"
  | "account_unavailable"
  | "institution_requirement"
  | "unspecified";
/** `status_details.active.cause` (why an active account will go inactive). */
export type ActiveCause = "access_expired" | "institution_requirement" | "unspecified";
/** Data permissions granted by the end user. */
export type Permission = "balances" | "ownership" | "payment_method" | "transactions";
/** Features the refresh endpoint takes. */
export type RefreshFeature = "balance" | "inferred_balances" | "ownership" | "transactions";
/** Features the subscribe endpoint takes. */
export type SubscriptionFeature = "balance" | "inferred_balances" | "transactions";
/** Status of a data refresh. */
export type RefreshStatus = "failed" | "pending" | "succeeded";
/** `category` of an account. */
export type AccountCategory = "cash" | "credit" | "investment" | "other";
/** `subcategory` of an account; the category follows from it. */
export type AccountSubcategory =
  | "checking"
  | "credit_card"
  | "line_of_credit"
  | "mortgage"
  | "other"
  | "savings";

/** Every cause that the sandbox treats as a problem of the whole authorization (the credentials). */
export const AUTHORIZATION_LEVEL_CAUSES: readonly InactiveCause[] = [
  "access_denied",
  "access_expired",
  "institution_requirement",
  "unspecified",
];

/** A `*_refresh` object of an account. */
export interface RefreshState {
  status: RefreshStatus;
  lastAttemptedAt: number;
  nextRefreshAvailableAt: number | null;
}

/** `transaction_refresh`, which also names the refresh. */
export interface TransactionRefreshState extends RefreshState {
  id: string;
}

/** `status_details.active` of an account that will go inactive. */
export interface ActiveDetails {
  action: RelinkAction;
  cause: ActiveCause;
  expectedDeactivationDate: number;
}

/** `status_details.inactive` of an inactive account. */
export interface InactiveDetails {
  action: RelinkAction;
  cause: InactiveCause;
}

/** A Stripe customer, as far as FC needs one (the account holder). */
export interface CustomerRecord {
  id: string;
  name: string;
  email: string;
  accountIds: string[];
  authorizationIds: string[];
}

/** A financial institution. */
export interface InstitutionRecord {
  id: string;
  seq: number;
  name: string;
  status: "active" | "degraded" | "inactive";
  url: string | null;
  routingNumbers: string[];
  features: Record<Permission, boolean>;
}

/** One set of credentials at an institution, shared by the accounts linked with it. */
export interface AuthorizationRecord {
  id: string;
  seq: number;
  customerId: string;
  institutionId: string;
  status: AccountStatus;
  activeDetails: { action: RelinkAction; expectedDeactivationDate: number } | null;
  inactiveAction: RelinkAction | null;
  accountIds: string[];
}

/** The latest balance of an account. */
export interface BalanceRecord {
  type: "cash" | "credit";
  asOf: number;
  /** Minor units of USD. For credit accounts this is the negative amount owed. */
  current: number;
  /** Cash available (cash) or credit used (credit), in minor units. */
  secondary: number;
}

/** A linked account and all the state its wire object shows. */
export interface AccountRecord {
  id: string;
  seq: number;
  created: number;
  customerId: string;
  authorizationId: string;
  institutionId: string;
  displayName: string;
  last4: string;
  category: AccountCategory;
  subcategory: AccountSubcategory;
  permissions: Permission[];
  subscriptions: SubscriptionFeature[];
  status: AccountStatus;
  activeDetails: ActiveDetails | null;
  inactiveDetails: InactiveDetails | null;
  balance: BalanceRecord | null;
  balanceRefresh: RefreshState | null;
  ownershipId: string | null;
  ownershipRefresh: RefreshState | null;
  transactionRefresh: TransactionRefreshState | null;
  inferredBalancesRefresh: RefreshState | null;
  /** How many transactions to generate the first time they are read (generation is lazy). */
  initialTransactionCount: number;
}

/** One transaction of an account. */
export interface TransactionRecord {
  id: string;
  seq: number;
  accountId: string;
  amount: number;
  currency: string;
  description: string;
  status: "pending" | "posted" | "void";
  postedAt: number | null;
  voidAt: number | null;
  transactedAt: number;
  refreshId: string;
  updated: number;
}

/** One owner of an account. */
export interface OwnerRecord {
  id: string;
  name: string;
  email: string | null;
  phone: string | null;
  rawAddress: string | null;
  refreshedAt: number | null;
}

/** The owners of an account as of one ownership refresh. */
export interface OwnershipRecord {
  id: string;
  accountId: string;
  created: number;
  owners: OwnerRecord[];
}

/** `status` of a session. */
export type SessionStatus = "cancelled" | "failed" | "pending" | "succeeded";
/** `relink_result.failure_reason`. */
export type RelinkFailureReason = "no_account" | "no_authorization" | "other";

/** A Financial Connections session (account collection or relink). */
export interface SessionRecord {
  id: string;
  seq: number;
  created: number;
  clientSecret: string;
  accountHolder: { type: "account" | "customer"; customer?: string; account?: string } | null;
  permissions: Permission[];
  prefetch: string[] | null;
  filters: {
    accountSubcategories: string[] | null;
    countries: string[] | null;
    institution?: string;
    requirePaymentMethodSupport?: string;
  };
  limitsAccounts: number;
  manualEntryMode: string | null;
  hostedDeliveryMethod: string | null;
  relinkOptions: { authorization: string; account: string | null } | null;
  relinkResult: {
    account: string | null;
    authorization: string | null;
    failureReason: RelinkFailureReason | null;
  } | null;
  returnUrl: string | null;
  uiMode: "hosted" | "modal";
  status: SessionStatus;
  accountIds: string[];
}
