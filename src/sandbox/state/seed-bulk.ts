import { createAccount, createAuthorization, createCustomer } from "./factory.js";
import { stableId } from "./ids.js";
import { SEED_INSTITUTIONS } from "./seed-institutions.js";
import type { Store } from "./store.js";
import type { AccountSubcategory } from "./types.js";

/** How many generated accounts each generated customer holds. */
export const BULK_ACCOUNTS_PER_CUSTOMER = 10;
/** How many authorizations each generated customer's accounts are spread over. */
export const BULK_AUTHORIZATIONS_PER_CUSTOMER = 2;

const BULK_EPOCH = 1_735_689_600; // 2025-01-01: generated data is older than the named seed
const INSTITUTIONS = [
  SEED_INSTITUTIONS.stripeBank,
  SEED_INSTITUTIONS.oauthBank,
  SEED_INSTITUTIONS.creditUnion,
  SEED_INSTITUTIONS.savingsAndLoan,
];
const SUBCATEGORIES: AccountSubcategory[] = [
  "checking",
  "savings",
  "credit_card",
  "checking",
  "savings",
];

/**
 * Adds `count` generated accounts for benchmarks, ten per generated customer (`cus_Bulk000001`...),
 * spread over two authorizations each. Ids and states are a pure function of the index, so the
 * data is the same on every start (expected deactivations are dated by the caller). Mostly healthy: every 20th account is inactive
 * (account_unavailable, relink_required) and every 20th (offset 10) is expiring.
 * Transactions and owners are generated on first read, which keeps this fast.
 */
export function seedBulk(store: Store, count: number, expectedDeactivation: number): void {
  const customerCount = Math.ceil(count / BULK_ACCOUNTS_PER_CUSTOMER);
  for (let c = 1; c <= customerCount; c++) {
    const customerId = stableId("cus", "Bulk", c);
    createCustomer(store, {
      id: customerId,
      name: `Bulk Customer ${c}`,
      email: `bulk${c}@example.com`,
    });
    const institutionId = INSTITUTIONS[c % INSTITUTIONS.length] ?? SEED_INSTITUTIONS.stripeBank;
    const authorizationIds: string[] = [];
    for (let a = 0; a < BULK_AUTHORIZATIONS_PER_CUSTOMER; a++) {
      const id = `${stableId("fcauth", "Bulk", c)}${String.fromCharCode(65 + a)}`;
      createAuthorization(store, { id, customerId, institutionId });
      authorizationIds.push(id);
    }
    const first = (c - 1) * BULK_ACCOUNTS_PER_CUSTOMER;
    const last = Math.min(count, first + BULK_ACCOUNTS_PER_CUSTOMER);
    for (let n = first; n < last; n++) {
      const id = stableId("fca", "Bulk", n + 1, 8);
      const authorizationId = authorizationIds[n % authorizationIds.length] ?? "";
      const created = BULK_EPOCH + n * 60;
      createAccount(store, {
        id,
        customerId,
        authorizationId,
        childIdStem: id.slice(4),
        created,
        displayName: `Bulk Account ${n + 1}`,
        last4: String(n % 10_000).padStart(4, "0"),
        subcategory: SUBCATEGORIES[n % SUBCATEGORIES.length],
        balance: 10_000 + ((n * 7_919) % 1_000_000),
        transactionCount: 5,
        inactiveDetails:
          n % 20 === 19 ? { action: "relink_required", cause: "account_unavailable" } : null,
        activeDetails:
          n % 20 === 9
            ? {
                action: "relink_required",
                cause: "access_expired",
                expectedDeactivationDate: expectedDeactivation,
              }
            : null,
      });
    }
  }
}
