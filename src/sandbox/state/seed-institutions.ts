import type { Store } from "./store.js";
import type { InstitutionRecord, Permission } from "./types.js";

/** Ids of the seeded institutions, stable across restarts. */
export const SEED_INSTITUTIONS = {
  stripeBank: "fcinst_SandboxStripeBank",
  oauthBank: "fcinst_SandboxOAuthBank",
  creditUnion: "fcinst_SandboxCreditUnion",
  downBank: "fcinst_SandboxDownBank",
  savingsAndLoan: "fcinst_SandboxSavingsLoan",
} as const;

const ALL_FEATURES: Record<Permission, boolean> = {
  balances: true,
  ownership: true,
  payment_method: true,
  transactions: true,
};

type InstitutionSpec = Omit<InstitutionRecord, "seq">;

const INSTITUTIONS: InstitutionSpec[] = [
  {
    id: SEED_INSTITUTIONS.stripeBank,
    name: "StripeBank",
    status: "active",
    url: "https://stripe.com",
    routingNumbers: ["110000000"],
    features: ALL_FEATURES,
  },
  {
    id: SEED_INSTITUTIONS.oauthBank,
    name: "Sandbox OAuth Bank",
    status: "active",
    url: "https://oauth-bank.example.com",
    routingNumbers: ["021000021"],
    features: ALL_FEATURES,
  },
  {
    id: SEED_INSTITUTIONS.creditUnion,
    name: "Sandbox Credit Union",
    status: "degraded",
    url: null,
    routingNumbers: ["322271627"],
    features: { ...ALL_FEATURES, ownership: false },
  },
  {
    // Every account linked here is inactive: the bank stopped sharing data.
    id: SEED_INSTITUTIONS.downBank,
    name: "Sandbox Down Bank",
    status: "inactive",
    url: "https://down-bank.example.com",
    routingNumbers: ["111000025"],
    features: ALL_FEATURES,
  },
  {
    id: SEED_INSTITUTIONS.savingsAndLoan,
    name: "Sandbox Savings and Loan",
    status: "active",
    url: null,
    routingNumbers: ["031176110", "031176111"],
    features: { ...ALL_FEATURES, payment_method: false },
  },
];

/** Adds the seeded institutions to the store, in a fixed order. */
export function seedInstitutions(store: Store): void {
  for (const institution of INSTITUTIONS) {
    store.addInstitution({ ...institution, seq: store.nextSeq() });
  }
}
