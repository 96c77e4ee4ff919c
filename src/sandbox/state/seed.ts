import { createAccount, createAuthorization, createCustomer } from "./factory.js";
import { SECONDS_PER_DAY } from "./ids.js";
import { seedBulk } from "./seed-bulk.js";
import { SEED_INSTITUTIONS, seedInstitutions } from "./seed-institutions.js";
import { Store } from "./store.js";

/** Seeded objects are dated from here (2026-01-01T00:00Z), so they are the same on every start. */
export const SEED_EPOCH = 1_767_225_600;

/**
 * Stable ids of the seeded data. Alice has one account in every health state; Bob has a
 * healthy and an inactive connection; Carol has no accounts.
 */
export const SEED_IDS = {
  customers: {
    alice: "cus_SandboxAlice01",
    bob: "cus_SandboxBob0001",
    carol: "cus_SandboxCarol01",
  },
  authorizations: {
    aliceStripeBank: "fcauth_AliceStripeBank01",
    aliceOAuthBank: "fcauth_AliceOAuthBank01",
    aliceDownBank: "fcauth_AliceDownBank01",
    aliceCreditUnion: "fcauth_AliceCreditUnion01",
    aliceSavingsLoan: "fcauth_AliceSavingsLoan01",
    bobStripeBank: "fcauth_BobStripeBank01",
    bobOAuthBank: "fcauth_BobOAuthBank01",
  },
  accounts: {
    /** active, healthy */
    aliceChecking: "fca_AliceChecking01",
    /** active, healthy (same authorization as aliceChecking) */
    aliceSavings: "fca_AliceSavings01",
    /** active with status_details.active (expected deactivation in 7 days) */
    aliceExpiring: "fca_AliceExpiring01",
    /** active with status_details.active (same authorization as aliceExpiring) */
    aliceExpiringCard: "fca_AliceExpiringCard01",
    /** inactive, access_expired, relink_required */
    aliceRelink: "fca_AliceRelinkRequired01",
    /** inactive, access_expired, relink_required (same authorization as aliceRelink) */
    aliceRelinkSavings: "fca_AliceRelinkRequired02",
    /** inactive, account_closed, action none (its authorization stays active) */
    aliceClosed: "fca_AliceClosed01",
    /** active, healthy (same authorization as aliceClosed) */
    aliceMortgage: "fca_AliceMortgage01",
    /** disconnected */
    aliceDisconnected: "fca_AliceDisconnected01",
    /** active, healthy */
    bobChecking: "fca_BobChecking01",
    /** active, healthy (same authorization as bobChecking) */
    bobSavings: "fca_BobSavings01",
    /** inactive, access_denied, relink_required */
    bobRevoked: "fca_BobRevoked01",
  },
} as const;

/** Start of the UTC day containing `now`: keeps seeded future dates stable within a day. */
function startOfDay(now: number): number {
  return now - (now % SECONDS_PER_DAY);
}

/**
 * A new store holding the seeded data (always the same ids and states) plus `seedSize`
 * generated accounts for benchmarks. `now` only dates the expected deactivations.
 */
export function createSeededStore(options: { now: number; seedSize?: number }): Store {
  const store = new Store();
  seedInstitutions(store);
  const expectedDeactivation = startOfDay(options.now) + 7 * SECONDS_PER_DAY;
  seedPeople(store, expectedDeactivation);
  if (options.seedSize && options.seedSize > 0)
    seedBulk(store, options.seedSize, expectedDeactivation);
  return store;
}

function seedPeople(store: Store, expectedDeactivation: number): void {
  const { customers: c, authorizations: a, accounts: x } = SEED_IDS;
  const i = SEED_INSTITUTIONS;
  let minute = 0;
  const created = () => SEED_EPOCH + 60 * minute++;

  createCustomer(store, { id: c.alice, name: "Alice Example", email: "alice@example.com" });
  createCustomer(store, { id: c.bob, name: "Bob Example", email: "bob@example.com" });
  createCustomer(store, { id: c.carol, name: "Carol Example", email: "carol@example.com" });

  const base = (customerId: string, authorizationId: string, id: string) => ({
    id,
    customerId,
    authorizationId,
    childIdStem: id.slice(4),
    created: created(),
  });

  createAuthorization(store, {
    id: a.aliceStripeBank,
    customerId: c.alice,
    institutionId: i.stripeBank,
  });
  createAccount(store, {
    ...base(c.alice, a.aliceStripeBank, x.aliceChecking),
    displayName: "Alice Checking",
    last4: "6789",
  });
  createAccount(store, {
    ...base(c.alice, a.aliceStripeBank, x.aliceSavings),
    displayName: "Alice Savings",
    last4: "4321",
    subcategory: "savings",
    permissions: ["balances", "transactions"],
    balance: 1_250_000,
  });

  const expiring = {
    action: "relink_required" as const,
    cause: "access_expired" as const,
    expectedDeactivationDate: expectedDeactivation,
  };
  createAuthorization(store, {
    id: a.aliceOAuthBank,
    customerId: c.alice,
    institutionId: i.oauthBank,
    activeDetails: { action: "relink_required", expectedDeactivationDate: expectedDeactivation },
  });
  createAccount(store, {
    ...base(c.alice, a.aliceOAuthBank, x.aliceExpiring),
    displayName: "Alice Everyday",
    last4: "1111",
    activeDetails: expiring,
  });
  createAccount(store, {
    ...base(c.alice, a.aliceOAuthBank, x.aliceExpiringCard),
    displayName: "Alice Rewards Card",
    last4: "2222",
    subcategory: "credit_card",
    permissions: ["balances", "transactions"],
    balance: 48_200,
    activeDetails: expiring,
  });

  const expired = { action: "relink_required" as const, cause: "access_expired" as const };
  createAuthorization(store, {
    id: a.aliceDownBank,
    customerId: c.alice,
    institutionId: i.downBank,
    status: "inactive",
    inactiveAction: "relink_required",
  });
  createAccount(store, {
    ...base(c.alice, a.aliceDownBank, x.aliceRelink),
    displayName: "Alice Old Checking",
    last4: "3333",
    inactiveDetails: expired,
  });
  createAccount(store, {
    ...base(c.alice, a.aliceDownBank, x.aliceRelinkSavings),
    displayName: "Alice Old Savings",
    last4: "4444",
    subcategory: "savings",
    inactiveDetails: expired,
  });

  createAuthorization(store, {
    id: a.aliceCreditUnion,
    customerId: c.alice,
    institutionId: i.creditUnion,
  });
  createAccount(store, {
    ...base(c.alice, a.aliceCreditUnion, x.aliceClosed),
    displayName: "Alice Closed Checking",
    last4: "5555",
    permissions: ["balances", "payment_method", "transactions"],
    inactiveDetails: { action: "none", cause: "account_closed" },
  });
  createAccount(store, {
    ...base(c.alice, a.aliceCreditUnion, x.aliceMortgage),
    displayName: "Alice Home Loan",
    last4: "7777",
    subcategory: "mortgage",
    permissions: ["balances", "transactions"],
    balance: 31_500_000,
  });

  createAuthorization(store, {
    id: a.aliceSavingsLoan,
    customerId: c.alice,
    institutionId: i.savingsAndLoan,
    status: "disconnected",
  });
  createAccount(store, {
    ...base(c.alice, a.aliceSavingsLoan, x.aliceDisconnected),
    displayName: "Alice Former Savings",
    last4: "8888",
    subcategory: "savings",
    disconnected: true,
  });

  createAuthorization(store, {
    id: a.bobStripeBank,
    customerId: c.bob,
    institutionId: i.stripeBank,
  });
  createAccount(store, {
    ...base(c.bob, a.bobStripeBank, x.bobChecking),
    displayName: "Bob Checking",
    last4: "0101",
    balance: 84_000,
  });
  createAccount(store, {
    ...base(c.bob, a.bobStripeBank, x.bobSavings),
    displayName: "Bob Savings",
    last4: "0202",
    subcategory: "savings",
    balance: 510_000,
  });

  createAuthorization(store, {
    id: a.bobOAuthBank,
    customerId: c.bob,
    institutionId: i.oauthBank,
    status: "inactive",
    inactiveAction: "relink_required",
  });
  createAccount(store, {
    ...base(c.bob, a.bobOAuthBank, x.bobRevoked),
    displayName: "Bob Joint Checking",
    last4: "0303",
    inactiveDetails: { action: "relink_required", cause: "access_denied" },
  });
}
