import { ACCOUNT_EVENT_TYPES } from "../../stripe/event-types.js";
import { publishChanges, type SandboxContext } from "../context.js";
import { createAccount, createAuthorization, createCustomer } from "../state/factory.js";
import { nowSeconds } from "../state/ids.js";
import type { JsonObject } from "../state/json.js";
import { SEED_INSTITUTIONS } from "../state/seed-institutions.js";
import type { AccountRecord, CustomerRecord, InstitutionRecord } from "../state/types.js";
import { asObject, onlyFields, optionalInteger, optionalString } from "./input.js";

const MAX_ACCOUNTS = 5_000;
const MAX_AUTHORIZATIONS = 1_000;

/** The control API's view of a customer: ids of everything it owns. */
export function describeCustomer(customer: CustomerRecord): JsonObject {
  return {
    id: customer.id,
    name: customer.name,
    email: customer.email,
    accounts: [...customer.accountIds],
    authorizations: [...customer.authorizationIds],
  };
}

/** GET /_sandbox/customers: every customer (seeded, generated, created) in creation order. */
export function listCustomers(context: SandboxContext): JsonObject {
  return { object: "list", data: [...context.store.customers.values()].map(describeCustomer) };
}

/**
 * POST /_sandbox/customers `{name?, accounts? = 1, authorizations? = 1}`: a new customer whose
 * `accounts` active accounts are spread round-robin over `authorizations` authorizations (at
 * usable institutions, rotating). Sends `financial_connections.account.created` for each account,
 * in creation order. Returns the customer (list shape) with `events` (their ids). 400 for
 * out-of-range counts or unknown fields, with nothing created.
 */
export function createControlCustomer(context: SandboxContext, rawBody: unknown): JsonObject {
  const body = asObject(rawBody);
  onlyFields(body, ["name", "accounts", "authorizations"]);
  const accountCount = optionalInteger(body, "accounts", 0, MAX_ACCOUNTS, 1);
  const authorizationCount = optionalInteger(body, "authorizations", 1, MAX_AUTHORIZATIONS, 1);
  const { store } = context;
  const name = optionalString(body, "name") ?? `Sandbox Customer ${store.customers.size + 1}`;
  const { id: customerId } = createCustomer(store, { name });
  const institutions = [...store.institutions.values()].filter(
    (institution: InstitutionRecord) => institution.id !== SEED_INSTITUTIONS.downBank,
  );
  const authorizationIds: string[] = [];
  for (let i = 0; i < authorizationCount; i++) {
    const institution = institutions[i % institutions.length];
    const authorization = createAuthorization(store, {
      customerId,
      institutionId: institution?.id ?? SEED_INSTITUTIONS.stripeBank,
    });
    authorizationIds.push(authorization.id);
  }
  const created = nowSeconds();
  const accounts: AccountRecord[] = [];
  for (let n = 0; n < accountCount; n++) {
    const account = createAccount(store, {
      customerId,
      authorizationId: authorizationIds[n % authorizationIds.length] ?? "",
      displayName: `${name} Account ${n + 1}`,
      last4: String(1000 + ((n * 37) % 9000)),
      subcategory: n % 3 === 1 ? "savings" : "checking",
      created,
      transactionCount: 5,
    });
    accounts.push(account);
  }
  const events = publishChanges(
    context,
    accounts.map((account) => ({
      type: ACCOUNT_EVENT_TYPES.created,
      account,
      previousAttributes: null,
    })),
    null,
  );
  const customer = store.customers.get(customerId);
  return customer ? { ...describeCustomer(customer), events } : { events };
}
