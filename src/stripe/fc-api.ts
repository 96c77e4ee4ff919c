import type Stripe from "stripe";
import { ATTR, inSpan } from "../observability/spans.js";
import { type SentRequests, sendWithTicket } from "./call-ticket.js";
import { type FairStripeLimiter, type StripeCaller, SYSTEM_CALLER } from "./fair-limiter.js";
import { type RateLimitRetryPolicy, withRateLimitRetry } from "./rate-limit-retry.js";
import type {
  StripeAccount,
  StripeAccountOwner,
  StripeAuthorization,
  StripeList,
  StripeSession,
  StripeTransaction,
} from "./wire-types.js";

/** What a relink session is created with (Stripe's `financial_connections.sessions` create params). */
export interface CreateSessionParams {
  customerId: string;
  permissions: string[];
  relinkAuthorization: string;
  relinkAccount?: string | undefined;
  accountSubcategories?: string[] | undefined;
  returnUrl?: string | undefined;
}

/** A created session: the object without its secret, and the secret apart, so it is never cached. */
export interface CreatedSession {
  session: StripeSession;
  clientSecret: string;
}

/** Account data features Stripe can refresh. */
export type StripeRefreshFeature = "balance" | "ownership" | "transactions";

/** A page request against a Stripe list endpoint. */
export interface PageParams {
  /** 1..100 (Stripe's bounds). */
  limit: number;
  startingAfter?: string | undefined;
}

/**
 * The Financial Connections calls the gateway makes, in Stripe's wire shapes. The only module
 * that talks to the SDK. Every call retries plain 429s per the policy and rejects with the SDK's
 * typed error otherwise (see errors/client-errors.ts for how those reach clients).
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
  /** Creates a session with `relink_options` (preview). The key makes retries return the same session. */
  createSession(params: CreateSessionParams, idempotencyKey: string): Promise<CreatedSession>;
  refreshAccount(
    accountId: string,
    features: StripeRefreshFeature[],
    idempotencyKey: string,
  ): Promise<StripeAccount>;
  disconnectAccount(accountId: string, idempotencyKey: string): Promise<StripeAccount>;
  subscribeTransactions(accountId: string, idempotencyKey: string): Promise<StripeAccount>;
  unsubscribeTransactions(accountId: string, idempotencyKey: string): Promise<StripeAccount>;
  /**
   * A page of Stripe's events (newest first) whose type matches `type` (`*` matches any run of
   * characters) created at or after `createdGte` (epoch seconds): the catch-up sweep's source.
   */
  listEvents(params: {
    type: string;
    createdGte: number;
    page: PageParams;
  }): Promise<StripeList<Stripe.Event>>;
}

/**
 * A session without its `client_secret`: the secret goes to the one payload that creates the
 * session and nowhere else (not loaders, not logs).
 */
export function withoutClientSecret(session: StripeSession): StripeSession {
  return { ...session, client_secret: null };
}

/** Called after every Stripe call with its route template; used for per-operation counts and metrics. */
export type StripeCallListener = (route: string) => void;

/** Called once per attempt that reached (or failed to reach) Stripe, with its status label. */
export type StripeOutcomeListener = (route: string, status: string) => void;

/** The gateway-wide pieces every FcApi of one process shares. */
export interface FcApiShared {
  /**
   * The gateway's one Stripe budget, also given to the SDK instance's HTTP client (client.ts).
   * Each attempt (a first try or a 429 retry) is admitted here, in its caller's turn, and may be
   * refused (StripeBudgetRefusedError); stripe-node's own retries take their tokens in the HTTP
   * client. Absent: calls go out unlimited.
   */
  limiter?: FairStripeLimiter;
  onOutcome?: StripeOutcomeListener;
}

/** "200" on success, the HTTP status of an answered error, else "network" (timeouts included). */
export function stripeStatusLabel(error: unknown): string {
  if (typeof error === "object" && error !== null) {
    const { statusCode } = error as { statusCode?: unknown };
    if (typeof statusCode === "number") return String(statusCode);
  }
  return "network";
}

/**
 * Builds the FcApi over one SDK instance, for `caller` (the viewer's customer id; SYSTEM_CALLER
 * for webhooks and readiness). Every call goes through `call`: admission in the shared budget
 * (caller's turn, bounded), then the attempt, retried on 429 per `policy` (each retry admitted
 * again). A refused admission rejects with StripeBudgetRefusedError and sends nothing.
 */
export function createFcApi(
  stripe: Stripe,
  policy: RateLimitRetryPolicy,
  onCall: StripeCallListener = () => {},
  shared: FcApiShared = {},
  caller: StripeCaller = SYSTEM_CALLER,
): FcApi {
  const limiter = shared.limiter;
  const onOutcome = shared.onOutcome ?? (() => {});
  // One span per call (`stripe <route>`, a child of the active span: the operation's, a loader
  // batch's, a webhook intake's), with its 429 retries, total limiter wait, last status and
  // Stripe request id; each HTTP request is a child span of its own (gated-http-client.ts).
  // `attempt` sends the SDK call with `headers` in its request options: the call's ticket, for
  // the gated HTTP client that only exists with a limiter (none without, so nothing extra is sent).
  const call = <T>(
    route: string,
    attempt: (headers: Record<string, string>) => Promise<unknown>,
  ): Promise<T> =>
    inSpan(`stripe ${route}`, { [ATTR.stripeRoute]: route }, async (span) => {
      const sent: SentRequests = { count: 0, retryWaitMs: 0 };
      let attempts = 0;
      let waitedMs = 0;
      const record = (status: string) => {
        if (!span.isRecording()) return;
        span.setAttribute(ATTR.stripeStatus, status);
        span.setAttribute(ATTR.stripeRetries, Math.max(0, attempts - 1));
        span.setAttribute(ATTR.stripeLimiterWaitMs, Math.round(waitedMs + sent.retryWaitMs));
        if (sent.lastRequestId !== undefined) {
          span.setAttribute(ATTR.stripeRequestId, sent.lastRequestId);
        }
      };
      try {
        const result = await withRateLimitRetry(async () => {
          attempts += 1;
          let admissionWaitMs = 0;
          if (limiter !== undefined) {
            const waitStarted = performance.now();
            await limiter.acquire(caller, true);
            admissionWaitMs = performance.now() - waitStarted;
            waitedMs += admissionWaitMs;
          }
          onCall(route);
          try {
            // The SDK's GA types lack the preview fields the pinned version returns; the
            // generated wire types (from Stripe's preview OpenAPI description) describe what arrives.
            const result = (
              limiter === undefined
                ? await attempt({})
                : await sendWithTicket(
                    { caller, prepaid: true, route, admissionWaitMs, sent },
                    attempt,
                  )
            ) as T;
            onOutcome(route, "200");
            return result;
          } catch (error) {
            onOutcome(route, stripeStatusLabel(error));
            throw error;
          }
        }, policy);
        record("200");
        return result;
      } catch (error) {
        record(stripeStatusLabel(error));
        throw error;
      }
    });
  const get = (path: string, headers: Record<string, string>) =>
    stripe.rawRequest("GET", path, {}, { headers });
  // The same key on every attempt, ours and stripe-node's: a retried POST never acts twice.
  const post = (
    path: string,
    params: Record<string, unknown>,
    idempotencyKey: string,
    headers: Record<string, string>,
  ) => stripe.rawRequest("POST", path, params, { idempotencyKey, headers });
  const accountPath = (accountId: string, action: string) =>
    `/v1/financial_connections/accounts/${encodeURIComponent(accountId)}/${action}`;
  const pageParams = (page: PageParams) => ({
    limit: page.limit,
    ...(page.startingAfter === undefined ? {} : { starting_after: page.startingAfter }),
  });

  return {
    listEvents: ({ type, createdGte, page }) =>
      call("GET /v1/events", (headers) =>
        stripe.events.list(
          { type, created: { gte: createdGte }, ...pageParams(page) },
          { headers },
        ),
      ),
    listAccounts: (customerId, page) =>
      call("GET /v1/financial_connections/accounts", (headers) =>
        stripe.financialConnections.accounts.list(
          { account_holder: { customer: customerId }, ...pageParams(page) },
          { headers },
        ),
      ),
    retrieveAccount: (accountId) =>
      call("GET /v1/financial_connections/accounts/{account}", (headers) =>
        stripe.financialConnections.accounts.retrieve(accountId, {}, { headers }),
      ),
    retrieveAuthorization: (authorizationId) =>
      call("GET /v1/financial_connections/authorizations/{authorization}", (headers) =>
        get(
          `/v1/financial_connections/authorizations/${encodeURIComponent(authorizationId)}`,
          headers,
        ),
      ),
    retrieveSession: async (sessionId) =>
      withoutClientSecret(
        await call<StripeSession>("GET /v1/financial_connections/sessions/{session}", (headers) =>
          get(`/v1/financial_connections/sessions/${encodeURIComponent(sessionId)}`, headers),
        ),
      ),
    createSession: async (params, idempotencyKey) => {
      const session = await call<StripeSession>(
        "POST /v1/financial_connections/sessions",
        (headers) =>
          post(
            "/v1/financial_connections/sessions",
            {
              account_holder: { type: "customer", customer: params.customerId },
              permissions: params.permissions,
              relink_options: {
                authorization: params.relinkAuthorization,
                ...(params.relinkAccount === undefined ? {} : { account: params.relinkAccount }),
              },
              ...(params.accountSubcategories === undefined
                ? {}
                : { filters: { account_subcategories: params.accountSubcategories } }),
              ...(params.returnUrl === undefined ? {} : { return_url: params.returnUrl }),
            },
            idempotencyKey,
            headers,
          ),
      );
      return { session: withoutClientSecret(session), clientSecret: session.client_secret ?? "" };
    },
    refreshAccount: (accountId, features, idempotencyKey) =>
      call("POST /v1/financial_connections/accounts/{account}/refresh", (headers) =>
        post(accountPath(accountId, "refresh"), { features }, idempotencyKey, headers),
      ),
    disconnectAccount: (accountId, idempotencyKey) =>
      call("POST /v1/financial_connections/accounts/{account}/disconnect", (headers) =>
        post(accountPath(accountId, "disconnect"), {}, idempotencyKey, headers),
      ),
    subscribeTransactions: (accountId, idempotencyKey) =>
      call("POST /v1/financial_connections/accounts/{account}/subscribe", (headers) =>
        post(
          accountPath(accountId, "subscribe"),
          { features: ["transactions"] },
          idempotencyKey,
          headers,
        ),
      ),
    unsubscribeTransactions: (accountId, idempotencyKey) =>
      call("POST /v1/financial_connections/accounts/{account}/unsubscribe", (headers) =>
        post(
          accountPath(accountId, "unsubscribe"),
          { features: ["transactions"] },
          idempotencyKey,
          headers,
        ),
      ),
    listTransactions: (accountId, page) =>
      call("GET /v1/financial_connections/transactions", (headers) =>
        stripe.financialConnections.transactions.list(
          { account: accountId, ...pageParams(page) },
          { headers },
        ),
      ),
    listOwners: (accountId, ownershipId, page) =>
      call("GET /v1/financial_connections/accounts/{account}/owners", (headers) =>
        stripe.financialConnections.accounts.listOwners(
          accountId,
          { ownership: ownershipId, ...pageParams(page) },
          { headers },
        ),
      ),
  };
}
