import type Stripe from "stripe";
import { type RateLimitRetryPolicy, withRateLimitRetry } from "./rate-limit-retry.js";
import type {
  StripeAccount,
  StripeAccountOwner,
  StripeAuthorization,
  StripeList,
  StripeSession,
  StripeTransaction,
} from "./wire-types.js";

/** A page request against a Stripe list endpoint. */
export interface PageParams {
  /** 1..100 (Stripe's bounds). */
  limit: number;
  startingAfter?: string | undefined;
}

/**
 * The Financial Connections calls the gateway makes, in Stripe's wire shapes. The only module
 * that talks to the SDK. Every call retries plain 429s per the policy and rejects with the SDK's
 * typed error otherwise (see graphql/errors.ts for how those reach clients).
 */
export interface FcApi {
  /** One page of a customer's accounts, newest first. */
  listAccounts(customerId: string, page: PageParams): Promise<StripeList<StripeAccount>>;
  retrieveAccount(accountId: string): Promise<StripeAccount>;
  /** Preview endpoint: not in the GA SDK, so sent with `rawRequest`. */
  retrieveAuthorization(authorizationId: string): Promise<StripeAuthorization>;
  /** Sessions carry preview fields (`relink_options`, `relink_result`). */
  retrieveSession(sessionId: string): Promise<StripeSession>;
  listTransactions(accountId: string, page: PageParams): Promise<StripeList<StripeTransaction>>;
  listOwners(
    accountId: string,
    ownershipId: string,
    page: PageParams,
  ): Promise<StripeList<StripeAccountOwner>>;
}

/** Called after every Stripe call with its route template; used for per-operation counts and metrics. */
export type StripeCallListener = (route: string) => void;

/** Builds the FcApi over one SDK instance. */
export function createFcApi(
  stripe: Stripe,
  policy: RateLimitRetryPolicy,
  onCall: StripeCallListener = () => {},
): FcApi {
  const call = <T>(route: string, attempt: () => Promise<unknown>): Promise<T> =>
    withRateLimitRetry(() => {
      onCall(route);
      // The SDK's GA types lack the preview fields the pinned version returns; the generated
      // wire types (from Stripe's preview OpenAPI description) describe what arrives.
      return attempt() as Promise<T>;
    }, policy);
  const get = (path: string, params: Record<string, unknown> = {}) =>
    stripe.rawRequest("GET", path, params);
  const pageParams = (page: PageParams) => ({
    limit: page.limit,
    ...(page.startingAfter === undefined ? {} : { starting_after: page.startingAfter }),
  });

  return {
    listAccounts: (customerId, page) =>
      call("GET /v1/financial_connections/accounts", () =>
        stripe.financialConnections.accounts.list({
          account_holder: { customer: customerId },
          ...pageParams(page),
        }),
      ),
    retrieveAccount: (accountId) =>
      call("GET /v1/financial_connections/accounts/{account}", () =>
        stripe.financialConnections.accounts.retrieve(accountId),
      ),
    retrieveAuthorization: (authorizationId) =>
      call("GET /v1/financial_connections/authorizations/{authorization}", () =>
        get(`/v1/financial_connections/authorizations/${encodeURIComponent(authorizationId)}`),
      ),
    retrieveSession: (sessionId) =>
      call("GET /v1/financial_connections/sessions/{session}", () =>
        get(`/v1/financial_connections/sessions/${encodeURIComponent(sessionId)}`),
      ),
    listTransactions: (accountId, page) =>
      call("GET /v1/financial_connections/transactions", () =>
        stripe.financialConnections.transactions.list({ account: accountId, ...pageParams(page) }),
      ),
    listOwners: (accountId, ownershipId, page) =>
      call("GET /v1/financial_connections/accounts/{account}/owners", () =>
        stripe.financialConnections.accounts.listOwners(accountId, {
          ownership: ownershipId,
          ...pageParams(page),
        }),
      ),
  };
}
