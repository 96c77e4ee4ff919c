import { randomId, SECONDS_PER_DAY } from "./ids.js";
import type { Store } from "./store.js";
import type {
  AccountCategory,
  AccountRecord,
  AccountSubcategory,
  ActiveDetails,
  AuthorizationRecord,
  InactiveDetails,
  Permission,
} from "./types.js";

/** Every data permission: what seeded and control-created accounts are granted. */
export const ALL_PERMISSIONS: Permission[] = [
  "balances",
  "ownership",
  "payment_method",
  "transactions",
];

/** What createAccount needs; everything else is derived (balances from permissions...). */
export interface AccountSpec {
  id?: string;
  customerId: string;
  authorizationId: string;
  displayName: string;
  last4: string;
  subcategory?: AccountSubcategory;
  permissions?: Permission[];
  created: number;
  activeDetails?: ActiveDetails | null;
  inactiveDetails?: InactiveDetails | null;
  disconnected?: boolean;
  /** Minor units; the sign convention follows Stripe (credit balances are negative). */
  balance?: number;
  transactionCount?: number;
  /** Deterministic ids for child objects (seed); random when omitted. */
  childIdStem?: string;
}

const CATEGORY_OF: Record<AccountSubcategory, AccountCategory> = {
  checking: "cash",
  savings: "cash",
  other: "cash",
  credit_card: "credit",
  line_of_credit: "credit",
  mortgage: "credit",
};

/**
 * Creates an account record from a short spec, fills every Stripe field consistently with its
 * permissions (no balance without `balances`...), adds it to the store and returns it.
 * The customer, authorization and institution must already be in the store (throws otherwise).
 */
export function createAccount(store: Store, spec: AccountSpec): AccountRecord {
  const authorization = store.authorizations.get(spec.authorizationId);
  if (!authorization) throw new Error(`unknown authorization ${spec.authorizationId}`);
  const subcategory = spec.subcategory ?? "checking";
  const category = CATEGORY_OF[subcategory];
  const permissions = spec.permissions ?? ALL_PERMISSIONS;
  const refreshedAt = spec.created + 60;
  const succeeded = {
    status: "succeeded" as const,
    lastAttemptedAt: refreshedAt,
    nextRefreshAvailableAt: null,
  };
  const has = (permission: Permission) => permissions.includes(permission);
  const stem = spec.childIdStem;
  const amount = spec.balance ?? 250_000;
  const account: AccountRecord = {
    id: spec.id ?? randomId("fca"),
    seq: store.nextSeq(),
    created: spec.created,
    customerId: spec.customerId,
    authorizationId: spec.authorizationId,
    institutionId: authorization.institutionId,
    displayName: spec.displayName,
    last4: spec.last4,
    category,
    subcategory,
    permissions: [...permissions],
    subscriptions: [],
    status: spec.disconnected ? "disconnected" : spec.inactiveDetails ? "inactive" : "active",
    activeDetails: spec.activeDetails ?? null,
    inactiveDetails: spec.inactiveDetails ?? null,
    balance: has("balances")
      ? {
          type: category === "credit" ? "credit" : "cash",
          asOf: refreshedAt,
          current: category === "credit" ? -Math.abs(amount) : amount,
          secondary: category === "credit" ? Math.abs(amount) : amount - 1_500,
        }
      : null,
    balanceRefresh: has("balances") ? { ...succeeded } : null,
    ownershipId: has("ownership") ? (stem ? `fcaowns_${stem}` : randomId("fcaowns")) : null,
    ownershipRefresh: has("ownership") ? { ...succeeded } : null,
    transactionRefresh: has("transactions")
      ? { ...succeeded, id: stem ? `fctxnref_${stem}` : randomId("fctxnref") }
      : null,
    inferredBalancesRefresh: null,
    initialTransactionCount: has("transactions") ? (spec.transactionCount ?? 12) : 0,
  };
  store.addAccount(account);
  return account;
}

/** What createAuthorization needs. */
export interface AuthorizationSpec {
  id?: string;
  customerId: string;
  institutionId: string;
  status?: AuthorizationRecord["status"];
  activeDetails?: AuthorizationRecord["activeDetails"];
  inactiveAction?: AuthorizationRecord["inactiveAction"];
}

/** Creates an authorization (active unless told otherwise), adds it to the store, returns it. */
export function createAuthorization(store: Store, spec: AuthorizationSpec): AuthorizationRecord {
  const authorization: AuthorizationRecord = {
    id: spec.id ?? randomId("fcauth"),
    seq: store.nextSeq(),
    customerId: spec.customerId,
    institutionId: spec.institutionId,
    status: spec.status ?? "active",
    activeDetails: spec.activeDetails ?? null,
    inactiveAction: spec.inactiveAction ?? null,
    accountIds: [],
  };
  store.addAuthorization(authorization);
  return authorization;
}

/** Creates a customer with no accounts; the id is random unless given. */
export function createCustomer(
  store: Store,
  spec: { id?: string; name: string; email?: string },
): { id: string } {
  const id = spec.id ?? randomId("cus", 14);
  const email = spec.email ?? `${spec.name.toLowerCase().replace(/[^a-z0-9]+/g, ".")}@example.com`;
  store.addCustomer({ id, name: spec.name, email, accountIds: [], authorizationIds: [] });
  return { id };
}

/** The default date on which an expiring connection is expected to stop: a week from `now`. */
export function defaultExpectedDeactivation(now: number): number {
  return now + 7 * SECONDS_PER_DAY;
}
