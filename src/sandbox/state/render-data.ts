import type { InferredBalance } from "./generate.js";
import type { JsonObject } from "./json.js";
import { renderAccount } from "./render-account.js";
import type { Store } from "./store.js";
import type {
  CustomerRecord,
  InstitutionRecord,
  OwnerRecord,
  OwnershipRecord,
  SessionRecord,
  TransactionRecord,
} from "./types.js";

/** The `financial_connections.institution` wire object. */
export function renderInstitution(institution: InstitutionRecord): JsonObject {
  const feature = (supported: boolean) => ({ supported });
  return {
    id: institution.id,
    object: "financial_connections.institution",
    countries: ["US"],
    features: {
      balances: feature(institution.features.balances),
      ownership: feature(institution.features.ownership),
      payment_method: feature(institution.features.payment_method),
      transactions: feature(institution.features.transactions),
    },
    livemode: false,
    name: institution.name,
    routing_numbers: [...institution.routingNumbers],
    status: institution.status,
    url: institution.url,
  };
}

/** The `financial_connections.transaction` wire object. */
export function renderTransaction(transaction: TransactionRecord): JsonObject {
  return {
    id: transaction.id,
    object: "financial_connections.transaction",
    account: transaction.accountId,
    amount: transaction.amount,
    currency: transaction.currency,
    description: transaction.description,
    livemode: false,
    status: transaction.status,
    status_transitions: { posted_at: transaction.postedAt, void_at: transaction.voidAt },
    transacted_at: transaction.transactedAt,
    transaction_refresh: transaction.refreshId,
    updated: transaction.updated,
  };
}

/** The `financial_connections.account_owner` wire object. */
export function renderOwner(owner: OwnerRecord, ownershipId: string): JsonObject {
  return {
    id: owner.id,
    object: "financial_connections.account_owner",
    email: owner.email,
    name: owner.name,
    ownership: ownershipId,
    phone: owner.phone,
    raw_address: owner.rawAddress,
    refreshed_at: owner.refreshedAt,
  };
}

/** The `financial_connections.account_ownership` wire object (what `expand[]=ownership` shows). */
export function renderOwnership(ownership: OwnershipRecord): JsonObject {
  return {
    id: ownership.id,
    object: "financial_connections.account_ownership",
    created: ownership.created,
    owners: {
      object: "list",
      data: ownership.owners.map((owner) => renderOwner(owner, ownership.id)),
      has_more: false,
      url: `/v1/financial_connections/accounts/${ownership.accountId}/owners?ownership=${ownership.id}`,
    },
  };
}

/** The `financial_connections.account_inferred_balance` wire object. */
export function renderInferredBalance(balance: InferredBalance): JsonObject {
  return {
    id: balance.id,
    object: "financial_connections.account_inferred_balance",
    as_of: balance.asOf,
    current: { usd: balance.current },
  };
}

/** The customer as `expand[]=account_holder.customer` shows it (a minimal customer object). */
export function renderCustomer(customer: CustomerRecord): JsonObject {
  return {
    id: customer.id,
    object: "customer",
    email: customer.email,
    livemode: false,
    name: customer.name,
  };
}

/** The sandbox's base URL for hosted sessions; set by the server once it listens. */
export interface SessionUrls {
  hostedBase: string;
}

/** The `financial_connections.session` wire object; `accounts` lists the collected accounts. */
export function renderSession(
  store: Store,
  session: SessionRecord,
  urls?: SessionUrls,
): JsonObject {
  const accounts = session.accountIds.flatMap((id) => {
    const account = store.accounts.get(id);
    return account ? [renderAccount(store, account)] : [];
  });
  const filters: JsonObject = {
    account_subcategories: session.filters.accountSubcategories,
    countries: session.filters.countries,
  };
  if (session.filters.institution) filters.institution = session.filters.institution;
  if (session.filters.requirePaymentMethodSupport) {
    filters.require_payment_method_support = session.filters.requirePaymentMethodSupport;
  }
  const isHosted = session.uiMode === "hosted";
  const rendered: JsonObject = {
    id: session.id,
    object: "financial_connections.session",
    account_holder: session.accountHolder ? { ...session.accountHolder } : null,
    accounts: {
      object: "list",
      data: accounts,
      has_more: false,
      url: "/v1/financial_connections/accounts",
    },
    client_secret: session.clientSecret,
    filters,
    hosted: isHosted
      ? { delivery_method: session.hostedDeliveryMethod ?? "url", return_url: session.returnUrl }
      : null,
    limits: { accounts: session.limitsAccounts },
    livemode: false,
    permissions: [...session.permissions],
    prefetch: session.prefetch ? [...session.prefetch] : null,
    status: session.status,
    ui_mode: session.uiMode,
    url:
      isHosted && session.status === "pending" && urls ? `${urls.hostedBase}/${session.id}` : null,
  };
  if (session.manualEntryMode) rendered.manual_entry = { mode: session.manualEntryMode };
  if (session.returnUrl) rendered.return_url = session.returnUrl;
  if (session.relinkOptions) {
    rendered.relink_options = {
      account: session.relinkOptions.account,
      authorization: session.relinkOptions.authorization,
    };
  }
  if (session.relinkResult) {
    rendered.relink_result = {
      account: session.relinkResult.account,
      authorization: session.relinkResult.authorization,
      failure_reason: session.relinkResult.failureReason,
    };
  }
  return rendered;
}
