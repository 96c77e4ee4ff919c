/**
 * Stripe's wire objects as the OpenAPI description (stripe-spec/openapi-fc.json) defines them,
 * generated into src/generated/stripe-fc.ts. Enum-typed fields are closed unions there, but
 * Stripe's enums are open: mappers take them as `string` and never throw on a new value.
 */
import type { components } from "../generated/stripe-fc.js";

type Schemas = components["schemas"];

/** A `financial_connections.account` as Stripe renders it in the preview API version. */
export type StripeAccount = Schemas["financial_connections.account"];
/** A `financial_connections.authorization` (preview only). */
export type StripeAuthorization = Schemas["financial_connections.authorization"];
/** A `financial_connections.session`, with `relink_options` and `relink_result` (preview). */
export type StripeSession = Schemas["financial_connections.session"];
/** A `financial_connections.transaction`. */
export type StripeTransaction = Schemas["financial_connections.transaction"];
/** A `financial_connections.account_owner`. */
export type StripeAccountOwner = Schemas["financial_connections.account_owner"];
/** An account's balance. */
export type StripeBalance = Schemas["bank_connections_resource_balance"];
/** The state of a balance, ownership or transaction refresh: they share one shape in GraphQL. */
export type StripeRefresh =
  | Schemas["bank_connections_resource_balance_refresh"]
  | Schemas["bank_connections_resource_ownership_refresh"]
  | Schemas["bank_connections_resource_transaction_refresh"];

/** A Stripe list object. */
export interface StripeList<T> {
  object: "list";
  data: T[];
  has_more: boolean;
  url: string;
}
