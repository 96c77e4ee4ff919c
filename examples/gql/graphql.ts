/* eslint-disable */
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
export type Maybe<T> = T | null;
export type InputMaybe<T> = T | null | undefined;
export type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
export type MakeOptional<T, K extends keyof T> = Omit<T, K> & { [SubKey in K]?: Maybe<T[SubKey]> };
export type MakeMaybe<T, K extends keyof T> = Omit<T, K> & { [SubKey in K]: Maybe<T[SubKey]> };
export type MakeEmpty<T extends { [key: string]: unknown }, K extends keyof T> = { [_ in K]?: never };
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
  /**
   * An instant in time, as an ISO-8601 string in UTC (for example `2026-03-04T12:00:00.000Z`).
   * Stripe's epoch seconds are converted for you.
   */
  DateTime: { input: string; output: string; }
  /**
   * A whole number of a currency's minor units (cents for `usd`), serialized as a string so that
   * amounts beyond a 32-bit integer stay exact. Negative values are debts or outflows.
   */
  MinorUnits: { input: string; output: string; }
};

/**
 * A bank account that the viewer linked through Stripe Financial Connections, with its health:
 * whether it still works, why not, and what to do about it.
 */
export type Account = Node & {
  __typename?: 'Account';
  /**
   * The authorization (set of bank credentials) this account was linked with; accounts linked in one
   * login share it. Null when Stripe did not say, or when it could not be loaded (see errors).
   */
  authorization?: Maybe<Authorization>;
  /** The most recent balance, when the balances permission was granted and a refresh has succeeded. */
  balance?: Maybe<Balance>;
  /** The most recent attempt to refresh the balance, or null when none was made. */
  balanceRefresh?: Maybe<RefreshState>;
  /** The broad type of the account. */
  category: AccountCategory;
  /**
   * When the gateway last saw Stripe's state of this account. Reads are served from the gateway's
   * read model, kept current by Stripe's webhooks and a catch-up sweep of Stripe's events; a copy
   * older than `READ_MODEL_MAX_AGE_S` (default 5 minutes) is served and revalidated in the
   * background. For Stripe's state right now, read with `refresh: true` (`accounts`, `account`).
   */
  checkedAt: Scalars['DateTime']['output'];
  /** When the account was linked. */
  createdAt: Scalars['DateTime']['output'];
  /** The name the account holder or the institution gave the account, when known. */
  displayName?: Maybe<Scalars['String']['output']>;
  /** Whether the account works, why not, what to do, and a sentence to show the account holder. */
  health: AccountHealth;
  /** The Stripe id of the account (`fca_…`). */
  id: Scalars['ID']['output'];
  /** The name of the bank or institution that holds the account. */
  institutionName: Scalars['String']['output'];
  /** The last four digits of the account number, when known. */
  last4?: Maybe<Scalars['String']['output']>;
  /** True for accounts linked in live mode, false in test mode and in the sandbox. */
  livemode: Scalars['Boolean']['output'];
  /**
   * The people and businesses that own the account, from the most recent ownership refresh.
   * Null when the ownership permission was not granted or no ownership data exists yet.
   */
  owners?: Maybe<AccountOwnerConnection>;
  /** The most recent attempt to refresh the owners, or null when none was made. */
  ownershipRefresh?: Maybe<RefreshState>;
  /** The data permissions the account holder granted on this account. */
  permissions: Array<AccountPermission>;
  /** Stripe's status of the connection to the account. `health` explains it. */
  status: AccountStatus;
  /** The finer type of the account, within its category. */
  subcategory: AccountSubcategory;
  /** The data features the account receives automatic updates for. */
  subscriptions: Array<AccountSubscription>;
  /** The most recent attempt to refresh the transactions, or null when none was made. */
  transactionRefresh?: Maybe<RefreshState>;
  /** The account's transactions, newest first. Null when the transactions permission was not granted. */
  transactions?: Maybe<TransactionConnection>;
};


/**
 * A bank account that the viewer linked through Stripe Financial Connections, with its health:
 * whether it still works, why not, and what to do about it.
 */
export type AccountOwnersArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


/**
 * A bank account that the viewer linked through Stripe Financial Connections, with its health:
 * whether it still works, why not, and what to do about it.
 */
export type AccountTransactionsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};

/** Why an account action was not done. */
export type AccountActionErrorCode =
  /** The account is not active: relink it first (or it was disconnected). */
  | 'ACCOUNT_NOT_ACTIVE'
  /** The account is disconnected already. */
  | 'ALREADY_DISCONNECTED'
  /** No feature was given. */
  | 'INVALID_FEATURES'
  /** The account does not exist or is not the viewer's. */
  | 'NOT_FOUND'
  /** The account was not linked with the permission this action needs. */
  | 'PERMISSION_NOT_GRANTED'
  /** A code this gateway added after the client was built. */
  | 'UNKNOWN';

/** Which account to act on. */
export type AccountActionInput = {
  /** The account to act on. */
  accountId: Scalars['ID']['input'];
};

/** The result of an account action. */
export type AccountActionPayload = {
  __typename?: 'AccountActionPayload';
  /** The account after the action, or null when `userErrors` says why nothing was done. */
  account?: Maybe<Account>;
  /** Problems the caller can fix; empty on success. */
  userErrors: Array<AccountActionUserError>;
};

/** A problem with the input of an account action. */
export type AccountActionUserError = {
  __typename?: 'AccountActionUserError';
  /** What went wrong, for code to switch on. */
  code: AccountActionErrorCode;
  /** The path of the input field at fault. */
  field?: Maybe<Array<Scalars['String']['output']>>;
  /** What went wrong, in a sentence a developer can read. */
  message: Scalars['String']['output'];
};

/** The broad type of an account. */
export type AccountCategory =
  /** Real funds held by the institution, such as a checking or savings account. */
  | 'CASH'
  /** Credit extended by the institution, such as a credit card or a mortgage. */
  | 'CREDIT'
  /** Investments, or funds of unknown liquidity. */
  | 'INVESTMENT'
  /** None of the other categories. */
  | 'OTHER'
  /** A category Stripe added after this gateway was built. */
  | 'UNKNOWN';

/** A page of the viewer's accounts. */
export type AccountConnection = {
  __typename?: 'AccountConnection';
  /** The accounts on this page, each with its cursor. */
  edges: Array<AccountEdge>;
  /** The accounts on this page (the same as `edges.node`, for convenience). */
  nodes: Array<Account>;
  /** Where this page starts and ends. */
  pageInfo: PageInfo;
};

/** An account in a page of accounts. */
export type AccountEdge = {
  __typename?: 'AccountEdge';
  /** The cursor of this account, to pass as `after`. */
  cursor: Scalars['String']['output'];
  /** The account. */
  node: Account;
};

/** Which accounts to return. */
export type AccountFilter = {
  /** Only accounts in one of these health states. */
  health?: InputMaybe<Array<AccountHealthState>>;
  /** When true, only accounts whose holder should act (`health.needsAttention`); when false, only the others. */
  needsAttention?: InputMaybe<Scalars['Boolean']['input']>;
  /** Only accounts with one of these statuses. */
  status?: InputMaybe<Array<AccountStatus>>;
};

/**
 * An account's health, derived from Stripe's `status` and `status_details`: one field to decide
 * whether to prompt the account holder, and what to prompt for.
 */
export type AccountHealth = {
  __typename?: 'AccountHealth';
  /** What the app should do next. */
  action: AccountHealthAction;
  /** Why the account is inactive or will become inactive. Null when it is healthy or Stripe gave no cause. */
  cause?: Maybe<AccountHealthCause>;
  /** When the account is expected to stop working (only for the `EXPIRING` state). */
  expectedDeactivationAt?: Maybe<Scalars['DateTime']['output']>;
  /** A short sentence, in English, that a frontend can show the account holder as it is. */
  message: Scalars['String']['output'];
  /** True when the account holder should be asked to act (relink, or link a new account). */
  needsAttention: Scalars['Boolean']['output'];
  /** The overall health of the account. */
  state: AccountHealthState;
};

/** What the app should do about an account. */
export type AccountHealthAction =
  /** Ask the account holder to contact their institution to allow access again. */
  | 'CONTACT_INSTITUTION'
  /** Ask the account holder to link the account again as a new connection. */
  | 'LINK_NEW_ACCOUNT'
  /** Nothing: the account works, or nothing can be done now. */
  | 'NONE'
  /** Ask the account holder to relink: call `createRelinkSession` and open Stripe.js with its client secret. */
  | 'RELINK'
  /** Stripe reported something this gateway does not know; show a generic message. */
  | 'UNKNOWN';

/** Why an account is, or will become, inactive (Stripe's `status_details` cause). */
export type AccountHealthCause =
  /** The institution denied the latest attempt to reach the account; the holder may need to allow access at the bank. */
  | 'ACCESS_DENIED'
  /** Access to the account expired, or will expire. */
  | 'ACCESS_EXPIRED'
  /** The account was closed at the institution. */
  | 'ACCOUNT_CLOSED'
  /** The account is no longer available at the institution. */
  | 'ACCOUNT_UNAVAILABLE'
  /** The institution changed something that broke, or will break, existing connections. */
  | 'INSTITUTION_REQUIREMENT'
  /** A cause Stripe added after this gateway was built. */
  | 'UNKNOWN'
  /** Stripe did not say why. */
  | 'UNSPECIFIED';

/** The overall health of an account. */
export type AccountHealthState =
  /** The account was disconnected for good; only linking it again as a new account restores access. */
  | 'DISCONNECTED'
  /** The account works now but is expected to stop working at `expectedDeactivationAt`. */
  | 'EXPIRING'
  /** The account works and nothing is expected to break. */
  | 'HEALTHY'
  /** The account stopped working and a relink cannot repair it (for example, the account was closed). */
  | 'INACTIVE_NOT_REPAIRABLE'
  /** The account stopped working and the account holder can repair it with a relink session. */
  | 'RELINK_REQUIRED'
  /** Stripe reported a state this gateway does not know yet, or gave no details; treat it with care. */
  | 'UNKNOWN';

/**
 * A change in the life of one of the viewer's accounts, pushed live from Stripe's webhooks, as soon
 * as the webhook arrives: the account is Stripe's state when the event was created (or a newer one
 * the gateway holds; an event older than what the gateway holds, and no longer true, is not pushed).
 * When the gateway cannot tell whether the event is older than what it holds (two changes in one
 * second), it pushes the event and checks with Stripe; if Stripe's state differs from what was
 * pushed, a correction follows: an event of the type Stripe's state calls for, whose `eventId` is
 * the corrected event's followed by `_revalidated`.
 */
export type AccountLifecycleEvent = {
  __typename?: 'AccountLifecycleEvent';
  /** The account, as it is now: ask for its health, authorization and anything else. */
  account: Account;
  /** What the app should do now. */
  action: AccountHealthAction;
  /** Why the account became or will become inactive, when Stripe said. */
  cause?: Maybe<AccountHealthCause>;
  /**
   * This event's position in the stream of the viewer's events (not a timestamp; opaque). Keep the
   * last one received and pass it as `after` when subscribing again (graphql-sse sends it as the SSE
   * event `id`, so `Last-Event-ID` does the same): the events missed meanwhile come first, in
   * order and once each. Also in every event's `extensions.cursor`.
   */
  cursor: Scalars['String']['output'];
  /** The id of the Stripe event (`evt_…`, or `evt_…_revalidated` for a correction); the same event is never pushed twice. */
  eventId: Scalars['ID']['output'];
  /** When it happened, according to Stripe. */
  occurredAt: Scalars['DateTime']['output'];
  /** What happened. */
  type: AccountLifecycleEventType;
};

/** The kinds of account lifecycle events. */
export type AccountLifecycleEventType =
  /** The account stopped working. */
  | 'DEACTIVATED'
  /** The account is expected to stop working soon. */
  | 'DEACTIVATION_UPCOMING'
  /** The account was disconnected for good. */
  | 'DISCONNECTED'
  /** The account works again. */
  | 'REACTIVATED'
  /** A kind this gateway added after the client was built. */
  | 'UNKNOWN';

/** A person or business that owns a linked account, as the institution reported it. */
export type AccountOwner = {
  __typename?: 'AccountOwner';
  /** The owner's email address, when the institution gave it. */
  email?: Maybe<Scalars['String']['output']>;
  /** The Stripe id of the owner record (`fcaown_…`). */
  id: Scalars['ID']['output'];
  /** The full name of the owner. */
  name: Scalars['String']['output'];
  /** The owner's phone number, when the institution gave it. */
  phone?: Maybe<Scalars['String']['output']>;
  /** The owner's address as one string, when the institution gave it. */
  rawAddress?: Maybe<Scalars['String']['output']>;
  /** When this owner record was last refreshed, when known. */
  refreshedAt?: Maybe<Scalars['DateTime']['output']>;
};

/** A page of an account's owners. */
export type AccountOwnerConnection = {
  __typename?: 'AccountOwnerConnection';
  /** The owners on this page, each with its cursor. */
  edges: Array<AccountOwnerEdge>;
  /** The owners on this page. */
  nodes: Array<AccountOwner>;
  /** Where this page starts and ends. */
  pageInfo: PageInfo;
};

/** An owner in a page of owners. */
export type AccountOwnerEdge = {
  __typename?: 'AccountOwnerEdge';
  /** The cursor of this owner, to pass as `after`. */
  cursor: Scalars['String']['output'];
  /** The owner. */
  node: AccountOwner;
};

/** A data permission the account holder can grant on an account. */
export type AccountPermission =
  /** Read the account's balances. */
  | 'BALANCES'
  /** Read who owns the account. */
  | 'OWNERSHIP'
  /** Create a payment method from the account. */
  | 'PAYMENT_METHOD'
  /** Read the account's transactions. */
  | 'TRANSACTIONS'
  /** A permission Stripe added after this gateway was built. */
  | 'UNKNOWN';

/** Stripe's status of the connection to an account. */
export type AccountStatus =
  /** Stripe can retrieve data from the account. */
  | 'ACTIVE'
  /** The account was disconnected for good. */
  | 'DISCONNECTED'
  /** Stripe cannot retrieve data from the account for now. */
  | 'INACTIVE'
  /** A status Stripe added after this gateway was built. */
  | 'UNKNOWN';

/** The finer type of an account. */
export type AccountSubcategory =
  /** A checking account. */
  | 'CHECKING'
  /** A credit card. */
  | 'CREDIT_CARD'
  /** A line of credit. */
  | 'LINE_OF_CREDIT'
  /** A mortgage. */
  | 'MORTGAGE'
  /** Another kind of account. */
  | 'OTHER'
  /** A savings account. */
  | 'SAVINGS'
  /** A subcategory Stripe added after this gateway was built. */
  | 'UNKNOWN';

/** A data feature an account can receive automatic updates for. */
export type AccountSubscription =
  /** Transactions are refreshed automatically. */
  | 'TRANSACTIONS'
  /** A feature Stripe added after this gateway was built. */
  | 'UNKNOWN';

/**
 * A set of bank credentials: the login through which one or more accounts were linked. When it
 * stops working, all its accounts stop working, and one relink session repairs them together.
 */
export type Authorization = Node & {
  __typename?: 'Authorization';
  /** The viewer's accounts linked through these credentials, newest first. */
  accounts: Array<Account>;
  /**
   * When the gateway last saw Stripe's state of this authorization (see `Account.checkedAt`; read
   * an account with `refresh: true` for Stripe's state now).
   */
  checkedAt: Scalars['DateTime']['output'];
  /** Whether the credentials work, and what to do when they do not. */
  health: AuthorizationHealth;
  /** The Stripe id of the authorization (`fcauth_…`). */
  id: Scalars['ID']['output'];
  /** The name of the institution the credentials belong to. */
  institutionName: Scalars['String']['output'];
  /** Stripe's status of the connection through these credentials. */
  status: AuthorizationStatus;
};

/** The health of an authorization, derived from its status and status details. */
export type AuthorizationHealth = {
  __typename?: 'AuthorizationHealth';
  /** What the app should do next. */
  action: AccountHealthAction;
  /** A short sentence, in English, that a frontend can show the account holder. */
  message: Scalars['String']['output'];
  /** True when the account holder should be asked to act. */
  needsAttention: Scalars['Boolean']['output'];
  /** The overall health: the same states as an account's, without `EXPIRING` causes. */
  state: AccountHealthState;
};

/** Stripe's status of an authorization. */
export type AuthorizationStatus =
  /** Stripe can retrieve data through these credentials. */
  | 'ACTIVE'
  /** The credentials were disconnected for good. */
  | 'DISCONNECTED'
  /** Stripe cannot retrieve data through these credentials for now. */
  | 'INACTIVE'
  /** A status Stripe added after this gateway was built. */
  | 'UNKNOWN';

/** The most recent balance of an account. */
export type Balance = {
  __typename?: 'Balance';
  /** When the balance was read from the institution. */
  asOf: Scalars['DateTime']['output'];
  /** For cash accounts, the funds available to spend, one per currency; null when unknown. */
  available?: Maybe<Array<Money>>;
  /** The balances, one per currency, including pending transactions. */
  current: Array<Money>;
  /** Whether the balance is of a cash or a credit account. */
  type: BalanceType;
  /** For credit accounts, the credit used, one per currency; null when unknown. */
  used?: Maybe<Array<Money>>;
};

/** Whether a balance belongs to a cash or a credit account. */
export type BalanceType =
  /** A cash balance. */
  | 'CASH'
  /** A credit balance. */
  | 'CREDIT'
  /** A type Stripe added after this gateway was built. */
  | 'UNKNOWN';

/** What to repair and what to ask for. Name exactly one of `accountId` or `authorizationId`. */
export type CreateRelinkSessionInput = {
  /** The account to repair. The account holder must repair this very account; its authorization is relinked. */
  accountId?: InputMaybe<Scalars['ID']['input']>;
  /** Only let the account holder pick accounts of these subcategories. */
  accountSubcategories?: InputMaybe<Array<AccountSubcategory>>;
  /** The authorization (set of bank credentials) to repair, when no single account is in question. */
  authorizationId?: InputMaybe<Scalars['ID']['input']>;
  /**
   * Makes retries safe: the same key with the same input returns the same session. When omitted,
   * the gateway derives one from the viewer and the input, so an identical request within 10 minutes
   * returns the same session.
   */
  idempotencyKey?: InputMaybe<Scalars['String']['input']>;
  /** The data permissions to ask for; at least one. Relinking is also how an account holder grants new permissions. */
  permissions: Array<AccountPermission>;
  /** For webview integrations: where the bank's OAuth page sends the account holder back (https). */
  returnUrl?: InputMaybe<Scalars['String']['input']>;
};

/** The result of `createRelinkSession`. */
export type CreateRelinkSessionPayload = {
  __typename?: 'CreateRelinkSessionPayload';
  /**
   * The secret to pass to Stripe.js `collectFinancialConnectionsAccounts`. Returned only here, only
   * once, only to the customer who owns the session: do not store, log or put it in a URL.
   */
  clientSecret?: Maybe<Scalars['String']['output']>;
  /** The new session, or null when `userErrors` says why none was created. */
  relinkSession?: Maybe<RelinkSession>;
  /** Problems with the input that the caller can fix; empty on success. */
  userErrors: Array<RelinkSessionUserError>;
};

/** An amount of money in one currency. */
export type Money = {
  __typename?: 'Money';
  /** Three-letter ISO currency code in lowercase, as Stripe returns it (for example `usd`). */
  currency: Scalars['String']['output'];
  /** The amount in the currency's minor units, as an exact integer string. */
  minorUnits: Scalars['MinorUnits']['output'];
};

/**
 * Changes to the viewer's accounts and relink sessions. Every mutation acts only on the viewer's
 * objects: another customer's id answers like a missing one.
 *
 * Every payload is nullable. Problems the caller can fix are `userErrors` in the payload. When the
 * mutation could not be done for another reason (Stripe refused, failed or rate limited the call, or
 * something unexpected), its payload is `null` with a top-level error carrying `extensions.code`
 * (`UPSTREAM_ERROR`, `UPSTREAM_UNAVAILABLE`, `RATE_LIMITED`, ...). The other mutations of the same
 * operation keep their results: read each one's payload.
 */
export type Mutation = {
  __typename?: 'Mutation';
  /**
   * Creates a relink session for one of the viewer's accounts or authorizations and returns the
   * `clientSecret` for Stripe.js. Retried calls with the same input return the same session.
   * Null, with a top-level coded error, when Stripe refused or failed the session's creation.
   */
  createRelinkSession?: Maybe<CreateRelinkSessionPayload>;
  /** Disconnects an account for good: Stripe stops reading it, and only a new link restores access. */
  disconnectAccount?: Maybe<AccountActionPayload>;
  /** Asks Stripe to refresh an account's balance, owners or transactions; the refresh completes shortly after. */
  refreshAccount?: Maybe<AccountActionPayload>;
  /** Subscribes the account to daily transaction refreshes. */
  subscribeAccountTransactions?: Maybe<AccountActionPayload>;
  /** Stops the account's daily transaction refreshes. */
  unsubscribeAccountTransactions?: Maybe<AccountActionPayload>;
};


/**
 * Changes to the viewer's accounts and relink sessions. Every mutation acts only on the viewer's
 * objects: another customer's id answers like a missing one.
 *
 * Every payload is nullable. Problems the caller can fix are `userErrors` in the payload. When the
 * mutation could not be done for another reason (Stripe refused, failed or rate limited the call, or
 * something unexpected), its payload is `null` with a top-level error carrying `extensions.code`
 * (`UPSTREAM_ERROR`, `UPSTREAM_UNAVAILABLE`, `RATE_LIMITED`, ...). The other mutations of the same
 * operation keep their results: read each one's payload.
 */
export type MutationCreateRelinkSessionArgs = {
  input: CreateRelinkSessionInput;
};


/**
 * Changes to the viewer's accounts and relink sessions. Every mutation acts only on the viewer's
 * objects: another customer's id answers like a missing one.
 *
 * Every payload is nullable. Problems the caller can fix are `userErrors` in the payload. When the
 * mutation could not be done for another reason (Stripe refused, failed or rate limited the call, or
 * something unexpected), its payload is `null` with a top-level error carrying `extensions.code`
 * (`UPSTREAM_ERROR`, `UPSTREAM_UNAVAILABLE`, `RATE_LIMITED`, ...). The other mutations of the same
 * operation keep their results: read each one's payload.
 */
export type MutationDisconnectAccountArgs = {
  input: AccountActionInput;
};


/**
 * Changes to the viewer's accounts and relink sessions. Every mutation acts only on the viewer's
 * objects: another customer's id answers like a missing one.
 *
 * Every payload is nullable. Problems the caller can fix are `userErrors` in the payload. When the
 * mutation could not be done for another reason (Stripe refused, failed or rate limited the call, or
 * something unexpected), its payload is `null` with a top-level error carrying `extensions.code`
 * (`UPSTREAM_ERROR`, `UPSTREAM_UNAVAILABLE`, `RATE_LIMITED`, ...). The other mutations of the same
 * operation keep their results: read each one's payload.
 */
export type MutationRefreshAccountArgs = {
  input: RefreshAccountInput;
};


/**
 * Changes to the viewer's accounts and relink sessions. Every mutation acts only on the viewer's
 * objects: another customer's id answers like a missing one.
 *
 * Every payload is nullable. Problems the caller can fix are `userErrors` in the payload. When the
 * mutation could not be done for another reason (Stripe refused, failed or rate limited the call, or
 * something unexpected), its payload is `null` with a top-level error carrying `extensions.code`
 * (`UPSTREAM_ERROR`, `UPSTREAM_UNAVAILABLE`, `RATE_LIMITED`, ...). The other mutations of the same
 * operation keep their results: read each one's payload.
 */
export type MutationSubscribeAccountTransactionsArgs = {
  input: AccountActionInput;
};


/**
 * Changes to the viewer's accounts and relink sessions. Every mutation acts only on the viewer's
 * objects: another customer's id answers like a missing one.
 *
 * Every payload is nullable. Problems the caller can fix are `userErrors` in the payload. When the
 * mutation could not be done for another reason (Stripe refused, failed or rate limited the call, or
 * something unexpected), its payload is `null` with a top-level error carrying `extensions.code`
 * (`UPSTREAM_ERROR`, `UPSTREAM_UNAVAILABLE`, `RATE_LIMITED`, ...). The other mutations of the same
 * operation keep their results: read each one's payload.
 */
export type MutationUnsubscribeAccountTransactionsArgs = {
  input: AccountActionInput;
};

/**
 * An object that can be fetched by its globally unique `id` through `Query.node` or `Query.nodes`.
 * Ids are Stripe's own ids (`fca_…`, `fcauth_…`, `fcsess_…`) and are typed by their prefix.
 */
export type Node = {
  /** The Stripe id of the object, unchanged. */
  id: Scalars['ID']['output'];
};

/**
 * Where a page of a connection starts and ends, and whether more pages exist (Relay cursor
 * connections). Cursors are Stripe object ids.
 */
export type PageInfo = {
  __typename?: 'PageInfo';
  /** Cursor of the last item on this page, or null when the page is empty. */
  endCursor?: Maybe<Scalars['String']['output']>;
  /** True when another page follows this one: pass `endCursor` as `after` to fetch it. */
  hasNextPage: Scalars['Boolean']['output'];
  /** True when a page precedes this one. */
  hasPreviousPage: Scalars['Boolean']['output'];
  /** Cursor of the first item on this page, or null when the page is empty. */
  startCursor?: Maybe<Scalars['String']['output']>;
};

/**
 * The entry points for reading data. Everything is scoped to the signed-in customer (the viewer):
 * objects of other customers answer exactly like missing ones.
 *
 * Errors carry `extensions.code`, one of:
 * - `NOT_FOUND`: the object does not exist, or is not the viewer's (the two are indistinguishable).
 * - `BAD_USER_INPUT`: an argument is invalid (a cursor, a scalar, too many ids).
 * - `UNAUTHENTICATED`: no valid bearer token.
 * - `FORBIDDEN`: the token may not act for the customer it names.
 * - `RATE_LIMITED`: over the customer's cost budget, over its share of the Stripe budget (queue full or waited too long; with `Retry-After`), over its miss budget of unknown ids or its refresh budget (with `retryAfter`, no Stripe call), too many of its operations waiting at the fair gate (with `Retry-After` and `retryAfter`, nothing parsed), or Stripe kept answering 429 after bounded retries.
 * - `UPSTREAM_UNAVAILABLE`: Stripe answered 5xx or could not be reached; retry later.
 * - `UPSTREAM_ERROR`: Stripe refused the gateway's request (operators see why in the logs).
 * - `SUBSCRIPTION_LIMIT`: too many operations on one WebSocket, or too many WebSockets and
 *   subscription streams for the customer.
 * - `SLOW_CONSUMER`: a subscription's reader did not keep up; its last message, then the stream or
 *   socket is closed.
 * - `CURSOR_EXPIRED`: a subscription's `after` (or SSE `Last-Event-ID`) cannot be resumed: older
 *   than the events kept, unknown, malformed or another customer's; reload, then subscribe without it.
 * - `GRAPHQL_PARSE_FAILED`, `GRAPHQL_VALIDATION_FAILED`: the document is not valid GraphQL, does not
 *   fit the schema, or is over a query limit.
 * - `DOCUMENT_TOO_COMPLEX`: validating the document would take more work than the gateway allows
 *   (many same-named fields at one level, or overlapping fragments); refused before validation.
 * - `BAD_REQUEST`, `OPERATION_RESOLUTION_FAILURE`, `PERSISTED_QUERY_NOT_FOUND`,
 *   `PERSISTED_QUERY_NOT_SUPPORTED`: the HTTP request is malformed, names no operation of the
 *   document, names a document id no trusted document has, or uses persisted queries where they
 *   are off.
 * - `TRUSTED_DOCUMENT_REQUIRED`: only trusted documents run on this gateway; send a known
 *   document's id instead of its text.
 * - `INTERNAL_SERVER_ERROR`: anything unexpected, masked as "Unexpected error.".
 *
 * A failed field is null with its error; the rest of the answer stands. A mutation's payload is null
 * when the mutation failed for a reason the caller cannot fix (see `Mutation`).
 */
export type Query = {
  __typename?: 'Query';
  /** One of the viewer's accounts. Null, with a `NOT_FOUND` error, when it does not exist or is not the viewer's. */
  account?: Maybe<Account>;
  /**
   * The viewer's linked accounts, newest first, optionally filtered by status or health. Reads every
   * account of the viewer from Stripe once per operation (100 per Stripe call) and pages in memory.
   */
  accounts: AccountConnection;
  /** One of the viewer's authorizations. Null, with a `NOT_FOUND` error, when it does not exist or is not the viewer's. */
  authorization?: Maybe<Authorization>;
  /** Fetches any object by its id. Null, with a `NOT_FOUND` error, when it does not exist or is not the viewer's. */
  node?: Maybe<Node>;
  /** Fetches several objects by id, in the order given; each missing or foreign id is null with a `NOT_FOUND` error. */
  nodes: Array<Maybe<Node>>;
  /** One of the viewer's relink sessions. Null, with a `NOT_FOUND` error, when it does not exist or is not the viewer's. */
  relinkSession?: Maybe<RelinkSession>;
};


/**
 * The entry points for reading data. Everything is scoped to the signed-in customer (the viewer):
 * objects of other customers answer exactly like missing ones.
 *
 * Errors carry `extensions.code`, one of:
 * - `NOT_FOUND`: the object does not exist, or is not the viewer's (the two are indistinguishable).
 * - `BAD_USER_INPUT`: an argument is invalid (a cursor, a scalar, too many ids).
 * - `UNAUTHENTICATED`: no valid bearer token.
 * - `FORBIDDEN`: the token may not act for the customer it names.
 * - `RATE_LIMITED`: over the customer's cost budget, over its share of the Stripe budget (queue full or waited too long; with `Retry-After`), over its miss budget of unknown ids or its refresh budget (with `retryAfter`, no Stripe call), too many of its operations waiting at the fair gate (with `Retry-After` and `retryAfter`, nothing parsed), or Stripe kept answering 429 after bounded retries.
 * - `UPSTREAM_UNAVAILABLE`: Stripe answered 5xx or could not be reached; retry later.
 * - `UPSTREAM_ERROR`: Stripe refused the gateway's request (operators see why in the logs).
 * - `SUBSCRIPTION_LIMIT`: too many operations on one WebSocket, or too many WebSockets and
 *   subscription streams for the customer.
 * - `SLOW_CONSUMER`: a subscription's reader did not keep up; its last message, then the stream or
 *   socket is closed.
 * - `CURSOR_EXPIRED`: a subscription's `after` (or SSE `Last-Event-ID`) cannot be resumed: older
 *   than the events kept, unknown, malformed or another customer's; reload, then subscribe without it.
 * - `GRAPHQL_PARSE_FAILED`, `GRAPHQL_VALIDATION_FAILED`: the document is not valid GraphQL, does not
 *   fit the schema, or is over a query limit.
 * - `DOCUMENT_TOO_COMPLEX`: validating the document would take more work than the gateway allows
 *   (many same-named fields at one level, or overlapping fragments); refused before validation.
 * - `BAD_REQUEST`, `OPERATION_RESOLUTION_FAILURE`, `PERSISTED_QUERY_NOT_FOUND`,
 *   `PERSISTED_QUERY_NOT_SUPPORTED`: the HTTP request is malformed, names no operation of the
 *   document, names a document id no trusted document has, or uses persisted queries where they
 *   are off.
 * - `TRUSTED_DOCUMENT_REQUIRED`: only trusted documents run on this gateway; send a known
 *   document's id instead of its text.
 * - `INTERNAL_SERVER_ERROR`: anything unexpected, masked as "Unexpected error.".
 *
 * A failed field is null with its error; the rest of the answer stands. A mutation's payload is null
 * when the mutation failed for a reason the caller cannot fix (see `Mutation`).
 */
export type QueryAccountArgs = {
  id: Scalars['ID']['input'];
  refresh?: InputMaybe<Scalars['Boolean']['input']>;
};


/**
 * The entry points for reading data. Everything is scoped to the signed-in customer (the viewer):
 * objects of other customers answer exactly like missing ones.
 *
 * Errors carry `extensions.code`, one of:
 * - `NOT_FOUND`: the object does not exist, or is not the viewer's (the two are indistinguishable).
 * - `BAD_USER_INPUT`: an argument is invalid (a cursor, a scalar, too many ids).
 * - `UNAUTHENTICATED`: no valid bearer token.
 * - `FORBIDDEN`: the token may not act for the customer it names.
 * - `RATE_LIMITED`: over the customer's cost budget, over its share of the Stripe budget (queue full or waited too long; with `Retry-After`), over its miss budget of unknown ids or its refresh budget (with `retryAfter`, no Stripe call), too many of its operations waiting at the fair gate (with `Retry-After` and `retryAfter`, nothing parsed), or Stripe kept answering 429 after bounded retries.
 * - `UPSTREAM_UNAVAILABLE`: Stripe answered 5xx or could not be reached; retry later.
 * - `UPSTREAM_ERROR`: Stripe refused the gateway's request (operators see why in the logs).
 * - `SUBSCRIPTION_LIMIT`: too many operations on one WebSocket, or too many WebSockets and
 *   subscription streams for the customer.
 * - `SLOW_CONSUMER`: a subscription's reader did not keep up; its last message, then the stream or
 *   socket is closed.
 * - `CURSOR_EXPIRED`: a subscription's `after` (or SSE `Last-Event-ID`) cannot be resumed: older
 *   than the events kept, unknown, malformed or another customer's; reload, then subscribe without it.
 * - `GRAPHQL_PARSE_FAILED`, `GRAPHQL_VALIDATION_FAILED`: the document is not valid GraphQL, does not
 *   fit the schema, or is over a query limit.
 * - `DOCUMENT_TOO_COMPLEX`: validating the document would take more work than the gateway allows
 *   (many same-named fields at one level, or overlapping fragments); refused before validation.
 * - `BAD_REQUEST`, `OPERATION_RESOLUTION_FAILURE`, `PERSISTED_QUERY_NOT_FOUND`,
 *   `PERSISTED_QUERY_NOT_SUPPORTED`: the HTTP request is malformed, names no operation of the
 *   document, names a document id no trusted document has, or uses persisted queries where they
 *   are off.
 * - `TRUSTED_DOCUMENT_REQUIRED`: only trusted documents run on this gateway; send a known
 *   document's id instead of its text.
 * - `INTERNAL_SERVER_ERROR`: anything unexpected, masked as "Unexpected error.".
 *
 * A failed field is null with its error; the rest of the answer stands. A mutation's payload is null
 * when the mutation failed for a reason the caller cannot fix (see `Mutation`).
 */
export type QueryAccountsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<AccountFilter>;
  first?: InputMaybe<Scalars['Int']['input']>;
  refresh?: InputMaybe<Scalars['Boolean']['input']>;
};


/**
 * The entry points for reading data. Everything is scoped to the signed-in customer (the viewer):
 * objects of other customers answer exactly like missing ones.
 *
 * Errors carry `extensions.code`, one of:
 * - `NOT_FOUND`: the object does not exist, or is not the viewer's (the two are indistinguishable).
 * - `BAD_USER_INPUT`: an argument is invalid (a cursor, a scalar, too many ids).
 * - `UNAUTHENTICATED`: no valid bearer token.
 * - `FORBIDDEN`: the token may not act for the customer it names.
 * - `RATE_LIMITED`: over the customer's cost budget, over its share of the Stripe budget (queue full or waited too long; with `Retry-After`), over its miss budget of unknown ids or its refresh budget (with `retryAfter`, no Stripe call), too many of its operations waiting at the fair gate (with `Retry-After` and `retryAfter`, nothing parsed), or Stripe kept answering 429 after bounded retries.
 * - `UPSTREAM_UNAVAILABLE`: Stripe answered 5xx or could not be reached; retry later.
 * - `UPSTREAM_ERROR`: Stripe refused the gateway's request (operators see why in the logs).
 * - `SUBSCRIPTION_LIMIT`: too many operations on one WebSocket, or too many WebSockets and
 *   subscription streams for the customer.
 * - `SLOW_CONSUMER`: a subscription's reader did not keep up; its last message, then the stream or
 *   socket is closed.
 * - `CURSOR_EXPIRED`: a subscription's `after` (or SSE `Last-Event-ID`) cannot be resumed: older
 *   than the events kept, unknown, malformed or another customer's; reload, then subscribe without it.
 * - `GRAPHQL_PARSE_FAILED`, `GRAPHQL_VALIDATION_FAILED`: the document is not valid GraphQL, does not
 *   fit the schema, or is over a query limit.
 * - `DOCUMENT_TOO_COMPLEX`: validating the document would take more work than the gateway allows
 *   (many same-named fields at one level, or overlapping fragments); refused before validation.
 * - `BAD_REQUEST`, `OPERATION_RESOLUTION_FAILURE`, `PERSISTED_QUERY_NOT_FOUND`,
 *   `PERSISTED_QUERY_NOT_SUPPORTED`: the HTTP request is malformed, names no operation of the
 *   document, names a document id no trusted document has, or uses persisted queries where they
 *   are off.
 * - `TRUSTED_DOCUMENT_REQUIRED`: only trusted documents run on this gateway; send a known
 *   document's id instead of its text.
 * - `INTERNAL_SERVER_ERROR`: anything unexpected, masked as "Unexpected error.".
 *
 * A failed field is null with its error; the rest of the answer stands. A mutation's payload is null
 * when the mutation failed for a reason the caller cannot fix (see `Mutation`).
 */
export type QueryAuthorizationArgs = {
  id: Scalars['ID']['input'];
};


/**
 * The entry points for reading data. Everything is scoped to the signed-in customer (the viewer):
 * objects of other customers answer exactly like missing ones.
 *
 * Errors carry `extensions.code`, one of:
 * - `NOT_FOUND`: the object does not exist, or is not the viewer's (the two are indistinguishable).
 * - `BAD_USER_INPUT`: an argument is invalid (a cursor, a scalar, too many ids).
 * - `UNAUTHENTICATED`: no valid bearer token.
 * - `FORBIDDEN`: the token may not act for the customer it names.
 * - `RATE_LIMITED`: over the customer's cost budget, over its share of the Stripe budget (queue full or waited too long; with `Retry-After`), over its miss budget of unknown ids or its refresh budget (with `retryAfter`, no Stripe call), too many of its operations waiting at the fair gate (with `Retry-After` and `retryAfter`, nothing parsed), or Stripe kept answering 429 after bounded retries.
 * - `UPSTREAM_UNAVAILABLE`: Stripe answered 5xx or could not be reached; retry later.
 * - `UPSTREAM_ERROR`: Stripe refused the gateway's request (operators see why in the logs).
 * - `SUBSCRIPTION_LIMIT`: too many operations on one WebSocket, or too many WebSockets and
 *   subscription streams for the customer.
 * - `SLOW_CONSUMER`: a subscription's reader did not keep up; its last message, then the stream or
 *   socket is closed.
 * - `CURSOR_EXPIRED`: a subscription's `after` (or SSE `Last-Event-ID`) cannot be resumed: older
 *   than the events kept, unknown, malformed or another customer's; reload, then subscribe without it.
 * - `GRAPHQL_PARSE_FAILED`, `GRAPHQL_VALIDATION_FAILED`: the document is not valid GraphQL, does not
 *   fit the schema, or is over a query limit.
 * - `DOCUMENT_TOO_COMPLEX`: validating the document would take more work than the gateway allows
 *   (many same-named fields at one level, or overlapping fragments); refused before validation.
 * - `BAD_REQUEST`, `OPERATION_RESOLUTION_FAILURE`, `PERSISTED_QUERY_NOT_FOUND`,
 *   `PERSISTED_QUERY_NOT_SUPPORTED`: the HTTP request is malformed, names no operation of the
 *   document, names a document id no trusted document has, or uses persisted queries where they
 *   are off.
 * - `TRUSTED_DOCUMENT_REQUIRED`: only trusted documents run on this gateway; send a known
 *   document's id instead of its text.
 * - `INTERNAL_SERVER_ERROR`: anything unexpected, masked as "Unexpected error.".
 *
 * A failed field is null with its error; the rest of the answer stands. A mutation's payload is null
 * when the mutation failed for a reason the caller cannot fix (see `Mutation`).
 */
export type QueryNodeArgs = {
  id: Scalars['ID']['input'];
};


/**
 * The entry points for reading data. Everything is scoped to the signed-in customer (the viewer):
 * objects of other customers answer exactly like missing ones.
 *
 * Errors carry `extensions.code`, one of:
 * - `NOT_FOUND`: the object does not exist, or is not the viewer's (the two are indistinguishable).
 * - `BAD_USER_INPUT`: an argument is invalid (a cursor, a scalar, too many ids).
 * - `UNAUTHENTICATED`: no valid bearer token.
 * - `FORBIDDEN`: the token may not act for the customer it names.
 * - `RATE_LIMITED`: over the customer's cost budget, over its share of the Stripe budget (queue full or waited too long; with `Retry-After`), over its miss budget of unknown ids or its refresh budget (with `retryAfter`, no Stripe call), too many of its operations waiting at the fair gate (with `Retry-After` and `retryAfter`, nothing parsed), or Stripe kept answering 429 after bounded retries.
 * - `UPSTREAM_UNAVAILABLE`: Stripe answered 5xx or could not be reached; retry later.
 * - `UPSTREAM_ERROR`: Stripe refused the gateway's request (operators see why in the logs).
 * - `SUBSCRIPTION_LIMIT`: too many operations on one WebSocket, or too many WebSockets and
 *   subscription streams for the customer.
 * - `SLOW_CONSUMER`: a subscription's reader did not keep up; its last message, then the stream or
 *   socket is closed.
 * - `CURSOR_EXPIRED`: a subscription's `after` (or SSE `Last-Event-ID`) cannot be resumed: older
 *   than the events kept, unknown, malformed or another customer's; reload, then subscribe without it.
 * - `GRAPHQL_PARSE_FAILED`, `GRAPHQL_VALIDATION_FAILED`: the document is not valid GraphQL, does not
 *   fit the schema, or is over a query limit.
 * - `DOCUMENT_TOO_COMPLEX`: validating the document would take more work than the gateway allows
 *   (many same-named fields at one level, or overlapping fragments); refused before validation.
 * - `BAD_REQUEST`, `OPERATION_RESOLUTION_FAILURE`, `PERSISTED_QUERY_NOT_FOUND`,
 *   `PERSISTED_QUERY_NOT_SUPPORTED`: the HTTP request is malformed, names no operation of the
 *   document, names a document id no trusted document has, or uses persisted queries where they
 *   are off.
 * - `TRUSTED_DOCUMENT_REQUIRED`: only trusted documents run on this gateway; send a known
 *   document's id instead of its text.
 * - `INTERNAL_SERVER_ERROR`: anything unexpected, masked as "Unexpected error.".
 *
 * A failed field is null with its error; the rest of the answer stands. A mutation's payload is null
 * when the mutation failed for a reason the caller cannot fix (see `Mutation`).
 */
export type QueryNodesArgs = {
  ids: Array<Scalars['ID']['input']>;
};


/**
 * The entry points for reading data. Everything is scoped to the signed-in customer (the viewer):
 * objects of other customers answer exactly like missing ones.
 *
 * Errors carry `extensions.code`, one of:
 * - `NOT_FOUND`: the object does not exist, or is not the viewer's (the two are indistinguishable).
 * - `BAD_USER_INPUT`: an argument is invalid (a cursor, a scalar, too many ids).
 * - `UNAUTHENTICATED`: no valid bearer token.
 * - `FORBIDDEN`: the token may not act for the customer it names.
 * - `RATE_LIMITED`: over the customer's cost budget, over its share of the Stripe budget (queue full or waited too long; with `Retry-After`), over its miss budget of unknown ids or its refresh budget (with `retryAfter`, no Stripe call), too many of its operations waiting at the fair gate (with `Retry-After` and `retryAfter`, nothing parsed), or Stripe kept answering 429 after bounded retries.
 * - `UPSTREAM_UNAVAILABLE`: Stripe answered 5xx or could not be reached; retry later.
 * - `UPSTREAM_ERROR`: Stripe refused the gateway's request (operators see why in the logs).
 * - `SUBSCRIPTION_LIMIT`: too many operations on one WebSocket, or too many WebSockets and
 *   subscription streams for the customer.
 * - `SLOW_CONSUMER`: a subscription's reader did not keep up; its last message, then the stream or
 *   socket is closed.
 * - `CURSOR_EXPIRED`: a subscription's `after` (or SSE `Last-Event-ID`) cannot be resumed: older
 *   than the events kept, unknown, malformed or another customer's; reload, then subscribe without it.
 * - `GRAPHQL_PARSE_FAILED`, `GRAPHQL_VALIDATION_FAILED`: the document is not valid GraphQL, does not
 *   fit the schema, or is over a query limit.
 * - `DOCUMENT_TOO_COMPLEX`: validating the document would take more work than the gateway allows
 *   (many same-named fields at one level, or overlapping fragments); refused before validation.
 * - `BAD_REQUEST`, `OPERATION_RESOLUTION_FAILURE`, `PERSISTED_QUERY_NOT_FOUND`,
 *   `PERSISTED_QUERY_NOT_SUPPORTED`: the HTTP request is malformed, names no operation of the
 *   document, names a document id no trusted document has, or uses persisted queries where they
 *   are off.
 * - `TRUSTED_DOCUMENT_REQUIRED`: only trusted documents run on this gateway; send a known
 *   document's id instead of its text.
 * - `INTERNAL_SERVER_ERROR`: anything unexpected, masked as "Unexpected error.".
 *
 * A failed field is null with its error; the rest of the answer stands. A mutation's payload is null
 * when the mutation failed for a reason the caller cannot fix (see `Mutation`).
 */
export type QueryRelinkSessionArgs = {
  id: Scalars['ID']['input'];
};

/** Which account to refresh, and what. */
export type RefreshAccountInput = {
  /** The account to refresh. */
  accountId: Scalars['ID']['input'];
  /** What to refresh; at least one. */
  features: Array<RefreshFeature>;
};

/** Account data that can be refreshed from the institution. */
export type RefreshFeature =
  /** The balance (needs the balances permission). */
  | 'BALANCE'
  /** The owners (needs the ownership permission). */
  | 'OWNERSHIP'
  /** The transactions (needs the transactions permission). */
  | 'TRANSACTIONS';

/** The state of the most recent attempt to refresh one kind of account data. */
export type RefreshState = {
  __typename?: 'RefreshState';
  /** When the attempt was made. */
  lastAttemptedAt: Scalars['DateTime']['output'];
  /** When a refresh can next be requested, when Stripe limits it. */
  nextRefreshAvailableAt?: Maybe<Scalars['DateTime']['output']>;
  /** How the attempt went. */
  status: RefreshStatus;
};

/** How a refresh attempt went. */
export type RefreshStatus =
  /** The refresh failed; the previous data, if any, stays. */
  | 'FAILED'
  /** The refresh is in progress. */
  | 'PENDING'
  /** The refresh succeeded. */
  | 'SUCCEEDED'
  /** A status Stripe added after this gateway was built. */
  | 'UNKNOWN';

/** How a relink session ended. */
export type RelinkOutcome =
  /** The account holder could not authenticate with the institution. */
  | 'AUTHENTICATION_FAILED'
  /** The account holder logged into different credentials: a new authorization with new accounts. */
  | 'NEW_AUTHORIZATION'
  /** The account holder authenticated but did not select the account to repair. */
  | 'NO_ACCOUNT_SELECTED'
  /** The session failed for another reason. */
  | 'OTHER_FAILURE'
  /** The account holder has not finished the session yet. */
  | 'PENDING'
  /** The same authorization was repaired: its accounts work again. */
  | 'RELINKED'
  /** Stripe reported a result this gateway does not know yet. */
  | 'UNKNOWN';

/**
 * What a finished relink changed for the viewer, as Stripe's guide tells every frontend to work out:
 * which accounts work again, which still do not, which are new.
 */
export type RelinkReconciliation = {
  __typename?: 'RelinkReconciliation';
  /** Accounts the session linked that were not on the relinked authorization (for example, on a new authorization). */
  newAccounts: Array<Account>;
  /** The viewer's accounts on the relinked authorization that are active now. */
  reactivatedAccounts: Array<Account>;
  /** The viewer's accounts on the relinked authorization that are still not active. */
  stillInactiveAccounts: Array<Account>;
};

/**
 * A Stripe Financial Connections session that asks the account holder to repair (relink) an
 * authorization, completed in the browser with Stripe.js `collectFinancialConnectionsAccounts`.
 * Its client secret is returned once, by the mutation that creates it, and never here.
 */
export type RelinkSession = Node & {
  __typename?: 'RelinkSession';
  /** The account the session asked the account holder to repair, when one was named. */
  account?: Maybe<Account>;
  /** The authorization the session repairs. */
  authorization?: Maybe<Authorization>;
  /** The Stripe id of the session (`fcsess_…`). */
  id: Scalars['ID']['output'];
  /** How the relink ended, mapped from Stripe's `relink_result`. */
  outcome: RelinkOutcome;
  /** The data permissions the session asks for. */
  permissions: Array<AccountPermission>;
  /** What the relink changed; null while the session is pending. */
  reconciliation?: Maybe<RelinkReconciliation>;
  /** Where the session stands. */
  status: RelinkSessionStatus;
};

/** Why `createRelinkSession` created no session. */
export type RelinkSessionErrorCode =
  /** The idempotency key is empty or longer than 255 characters. */
  | 'INVALID_IDEMPOTENCY_KEY'
  /** No permission was asked for, or one is not supported. */
  | 'INVALID_PERMISSIONS'
  /** The return URL is not an absolute https URL. */
  | 'INVALID_RETURN_URL'
  /** An account subcategory is not supported. */
  | 'INVALID_SUBCATEGORIES'
  /** Neither or both of `accountId` and `authorizationId` were given. */
  | 'INVALID_TARGET'
  /** The account or authorization does not exist or is not the viewer's. */
  | 'NOT_FOUND'
  /** A relink cannot repair it: it is disconnected, or Stripe recommends no action (for example, the account was closed). */
  | 'NOT_REPAIRABLE'
  /** A code this gateway added after the client was built. */
  | 'UNKNOWN';

/** Where a relink session stands. */
export type RelinkSessionStatus =
  /** The session was cancelled. */
  | 'CANCELLED'
  /** The session ended without collecting accounts. */
  | 'FAILED'
  /** The account holder has not finished yet. */
  | 'PENDING'
  /** The account holder finished and accounts were collected. */
  | 'SUCCEEDED'
  /** A status Stripe added after this gateway was built. */
  | 'UNKNOWN';

/** A problem with the input of `createRelinkSession`. */
export type RelinkSessionUserError = {
  __typename?: 'RelinkSessionUserError';
  /** What went wrong, for code to switch on. */
  code: RelinkSessionErrorCode;
  /** The path of the input field at fault, for example `["input", "accountId"]`. */
  field?: Maybe<Array<Scalars['String']['output']>>;
  /** What went wrong, in a sentence a developer can read. */
  message: Scalars['String']['output'];
};

/**
 * Live account lifecycle events over graphql-ws (`/graphql` on the same port), Server-Sent Events
 * (graphql-sse, `/graphql/stream`) or Apollo's multipart HTTP protocol (`/graphql`). Each subscriber
 * receives only events of the viewer's accounts. Every event has a `cursor`; a subscriber that
 * reconnects passes its last one as `after` and receives what it missed first (see `after`).
 * Subscribing makes no Stripe call: the gateway reads the account once per Stripe event (its own
 * work, not any customer's) and pushes that state to every subscriber, and the account's
 * authorization comes from the gateway's read model.
 *
 * A subscription is priced once, when it is subscribed: one point per field, and the `@cost` of the
 * Stripe-reading fields of its selection (`account { authorization transactions owners }`), charged
 * to the customer's cost budget like a query. The fields the read model does not hold
 * (`account { transactions owners }`) are read from Stripe on every event delivered: each event is
 * charged their cost again (as a query prices them) before it is resolved. A selection without them
 * costs nothing per event. An event the customer's budget cannot cover is still delivered, with
 * those fields null and a `RATE_LIMITED` error whose `extensions.retryAfter` says in how many
 * seconds the budget refills; no Stripe call is made for them and the subscription stays open.
 */
export type Subscription = {
  __typename?: 'Subscription';
  /** An account of the viewer stopped working (Stripe's `financial_connections.account.deactivated`). */
  accountDeactivated: AccountLifecycleEvent;
  /** An account of the viewer will stop working soon (`financial_connections.account.upcoming_deactivation`). */
  accountDeactivationUpcoming: AccountLifecycleEvent;
  /** An account of the viewer was disconnected (`financial_connections.account.disconnected`). */
  accountDisconnected: AccountLifecycleEvent;
  /** An account of the viewer works again (`financial_connections.account.reactivated`). */
  accountReactivated: AccountLifecycleEvent;
  /** Any of the events above, in one stream. */
  accountStatusChanged: AccountLifecycleEvent;
};


/**
 * Live account lifecycle events over graphql-ws (`/graphql` on the same port), Server-Sent Events
 * (graphql-sse, `/graphql/stream`) or Apollo's multipart HTTP protocol (`/graphql`). Each subscriber
 * receives only events of the viewer's accounts. Every event has a `cursor`; a subscriber that
 * reconnects passes its last one as `after` and receives what it missed first (see `after`).
 * Subscribing makes no Stripe call: the gateway reads the account once per Stripe event (its own
 * work, not any customer's) and pushes that state to every subscriber, and the account's
 * authorization comes from the gateway's read model.
 *
 * A subscription is priced once, when it is subscribed: one point per field, and the `@cost` of the
 * Stripe-reading fields of its selection (`account { authorization transactions owners }`), charged
 * to the customer's cost budget like a query. The fields the read model does not hold
 * (`account { transactions owners }`) are read from Stripe on every event delivered: each event is
 * charged their cost again (as a query prices them) before it is resolved. A selection without them
 * costs nothing per event. An event the customer's budget cannot cover is still delivered, with
 * those fields null and a `RATE_LIMITED` error whose `extensions.retryAfter` says in how many
 * seconds the budget refills; no Stripe call is made for them and the subscription stays open.
 */
export type SubscriptionAccountDeactivatedArgs = {
  accountId?: InputMaybe<Scalars['ID']['input']>;
  after?: InputMaybe<Scalars['String']['input']>;
};


/**
 * Live account lifecycle events over graphql-ws (`/graphql` on the same port), Server-Sent Events
 * (graphql-sse, `/graphql/stream`) or Apollo's multipart HTTP protocol (`/graphql`). Each subscriber
 * receives only events of the viewer's accounts. Every event has a `cursor`; a subscriber that
 * reconnects passes its last one as `after` and receives what it missed first (see `after`).
 * Subscribing makes no Stripe call: the gateway reads the account once per Stripe event (its own
 * work, not any customer's) and pushes that state to every subscriber, and the account's
 * authorization comes from the gateway's read model.
 *
 * A subscription is priced once, when it is subscribed: one point per field, and the `@cost` of the
 * Stripe-reading fields of its selection (`account { authorization transactions owners }`), charged
 * to the customer's cost budget like a query. The fields the read model does not hold
 * (`account { transactions owners }`) are read from Stripe on every event delivered: each event is
 * charged their cost again (as a query prices them) before it is resolved. A selection without them
 * costs nothing per event. An event the customer's budget cannot cover is still delivered, with
 * those fields null and a `RATE_LIMITED` error whose `extensions.retryAfter` says in how many
 * seconds the budget refills; no Stripe call is made for them and the subscription stays open.
 */
export type SubscriptionAccountDeactivationUpcomingArgs = {
  accountId?: InputMaybe<Scalars['ID']['input']>;
  after?: InputMaybe<Scalars['String']['input']>;
};


/**
 * Live account lifecycle events over graphql-ws (`/graphql` on the same port), Server-Sent Events
 * (graphql-sse, `/graphql/stream`) or Apollo's multipart HTTP protocol (`/graphql`). Each subscriber
 * receives only events of the viewer's accounts. Every event has a `cursor`; a subscriber that
 * reconnects passes its last one as `after` and receives what it missed first (see `after`).
 * Subscribing makes no Stripe call: the gateway reads the account once per Stripe event (its own
 * work, not any customer's) and pushes that state to every subscriber, and the account's
 * authorization comes from the gateway's read model.
 *
 * A subscription is priced once, when it is subscribed: one point per field, and the `@cost` of the
 * Stripe-reading fields of its selection (`account { authorization transactions owners }`), charged
 * to the customer's cost budget like a query. The fields the read model does not hold
 * (`account { transactions owners }`) are read from Stripe on every event delivered: each event is
 * charged their cost again (as a query prices them) before it is resolved. A selection without them
 * costs nothing per event. An event the customer's budget cannot cover is still delivered, with
 * those fields null and a `RATE_LIMITED` error whose `extensions.retryAfter` says in how many
 * seconds the budget refills; no Stripe call is made for them and the subscription stays open.
 */
export type SubscriptionAccountDisconnectedArgs = {
  accountId?: InputMaybe<Scalars['ID']['input']>;
  after?: InputMaybe<Scalars['String']['input']>;
};


/**
 * Live account lifecycle events over graphql-ws (`/graphql` on the same port), Server-Sent Events
 * (graphql-sse, `/graphql/stream`) or Apollo's multipart HTTP protocol (`/graphql`). Each subscriber
 * receives only events of the viewer's accounts. Every event has a `cursor`; a subscriber that
 * reconnects passes its last one as `after` and receives what it missed first (see `after`).
 * Subscribing makes no Stripe call: the gateway reads the account once per Stripe event (its own
 * work, not any customer's) and pushes that state to every subscriber, and the account's
 * authorization comes from the gateway's read model.
 *
 * A subscription is priced once, when it is subscribed: one point per field, and the `@cost` of the
 * Stripe-reading fields of its selection (`account { authorization transactions owners }`), charged
 * to the customer's cost budget like a query. The fields the read model does not hold
 * (`account { transactions owners }`) are read from Stripe on every event delivered: each event is
 * charged their cost again (as a query prices them) before it is resolved. A selection without them
 * costs nothing per event. An event the customer's budget cannot cover is still delivered, with
 * those fields null and a `RATE_LIMITED` error whose `extensions.retryAfter` says in how many
 * seconds the budget refills; no Stripe call is made for them and the subscription stays open.
 */
export type SubscriptionAccountReactivatedArgs = {
  accountId?: InputMaybe<Scalars['ID']['input']>;
  after?: InputMaybe<Scalars['String']['input']>;
};


/**
 * Live account lifecycle events over graphql-ws (`/graphql` on the same port), Server-Sent Events
 * (graphql-sse, `/graphql/stream`) or Apollo's multipart HTTP protocol (`/graphql`). Each subscriber
 * receives only events of the viewer's accounts. Every event has a `cursor`; a subscriber that
 * reconnects passes its last one as `after` and receives what it missed first (see `after`).
 * Subscribing makes no Stripe call: the gateway reads the account once per Stripe event (its own
 * work, not any customer's) and pushes that state to every subscriber, and the account's
 * authorization comes from the gateway's read model.
 *
 * A subscription is priced once, when it is subscribed: one point per field, and the `@cost` of the
 * Stripe-reading fields of its selection (`account { authorization transactions owners }`), charged
 * to the customer's cost budget like a query. The fields the read model does not hold
 * (`account { transactions owners }`) are read from Stripe on every event delivered: each event is
 * charged their cost again (as a query prices them) before it is resolved. A selection without them
 * costs nothing per event. An event the customer's budget cannot cover is still delivered, with
 * those fields null and a `RATE_LIMITED` error whose `extensions.retryAfter` says in how many
 * seconds the budget refills; no Stripe call is made for them and the subscription stays open.
 */
export type SubscriptionAccountStatusChangedArgs = {
  accountId?: InputMaybe<Scalars['ID']['input']>;
  after?: InputMaybe<Scalars['String']['input']>;
};

/** A transaction on a linked account, as the institution reported it. */
export type Transaction = {
  __typename?: 'Transaction';
  /** The amount: negative for money leaving the account, positive for money entering it. */
  amount: Money;
  /** The description the institution gave the transaction. */
  description: Scalars['String']['output'];
  /** The Stripe id of the transaction (`fctxn_…`). */
  id: Scalars['ID']['output'];
  /** When the transaction posted, if it did. */
  postedAt?: Maybe<Scalars['DateTime']['output']>;
  /** Whether the transaction is pending, posted or void. */
  status: TransactionStatus;
  /** When the transaction happened. */
  transactedAt: Scalars['DateTime']['output'];
  /** When Stripe last updated the transaction. */
  updatedAt: Scalars['DateTime']['output'];
  /** When the transaction was voided, if it was. */
  voidedAt?: Maybe<Scalars['DateTime']['output']>;
};

/** A page of an account's transactions. */
export type TransactionConnection = {
  __typename?: 'TransactionConnection';
  /** The transactions on this page, each with its cursor. */
  edges: Array<TransactionEdge>;
  /** The transactions on this page. */
  nodes: Array<Transaction>;
  /** Where this page starts and ends. */
  pageInfo: PageInfo;
};

/** A transaction in a page of transactions. */
export type TransactionEdge = {
  __typename?: 'TransactionEdge';
  /** The cursor of this transaction, to pass as `after`. */
  cursor: Scalars['String']['output'];
  /** The transaction. */
  node: Transaction;
};

/** Whether a transaction is pending, posted or void. */
export type TransactionStatus =
  /** The transaction is not final yet. */
  | 'PENDING'
  /** The transaction is final. */
  | 'POSTED'
  /** A status Stripe added after this gateway was built. */
  | 'UNKNOWN'
  /** The transaction was cancelled. */
  | 'VOID';

export type AccountDeactivatedSubscriptionVariables = Exact<{ [key: string]: never; }>;


export type AccountDeactivatedSubscription = { __typename?: 'Subscription', accountDeactivated: { __typename?: 'AccountLifecycleEvent', eventId: string, occurredAt: string, cause?: AccountHealthCause | null, action: AccountHealthAction, account: { __typename?: 'Account', id: string, displayName?: string | null, health: { __typename?: 'AccountHealth', state: AccountHealthState, message: string } } } };

export type AccountHealthQueryVariables = Exact<{
  first?: InputMaybe<Scalars['Int']['input']>;
}>;


export type AccountHealthQuery = { __typename?: 'Query', accounts: { __typename?: 'AccountConnection', nodes: Array<{ __typename?: 'Account', id: string, displayName?: string | null, institutionName: string, last4?: string | null, status: AccountStatus, health: { __typename?: 'AccountHealth', state: AccountHealthState, cause?: AccountHealthCause | null, action: AccountHealthAction, needsAttention: boolean, expectedDeactivationAt?: string | null, message: string }, authorization?: { __typename?: 'Authorization', id: string, status: AuthorizationStatus } | null }>, pageInfo: { __typename?: 'PageInfo', hasNextPage: boolean, endCursor?: string | null } } };

export type CreateRelinkSessionMutationVariables = Exact<{
  accountId: Scalars['ID']['input'];
}>;


export type CreateRelinkSessionMutation = { __typename?: 'Mutation', createRelinkSession?: { __typename?: 'CreateRelinkSessionPayload', clientSecret?: string | null, relinkSession?: { __typename?: 'RelinkSession', id: string, status: RelinkSessionStatus } | null, userErrors: Array<{ __typename?: 'RelinkSessionUserError', code: RelinkSessionErrorCode, field?: Array<string> | null, message: string }> } | null };

export type RelinkOutcomeQueryVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type RelinkOutcomeQuery = { __typename?: 'Query', relinkSession?: { __typename?: 'RelinkSession', status: RelinkSessionStatus, outcome: RelinkOutcome, reconciliation?: { __typename?: 'RelinkReconciliation', reactivatedAccounts: Array<{ __typename?: 'Account', id: string, displayName?: string | null }>, stillInactiveAccounts: Array<{ __typename?: 'Account', id: string, displayName?: string | null, health: { __typename?: 'AccountHealth', message: string } }>, newAccounts: Array<{ __typename?: 'Account', id: string, displayName?: string | null }> } | null } | null };

export type ResumeDeactivationsSubscriptionVariables = Exact<{
  after?: InputMaybe<Scalars['String']['input']>;
}>;


export type ResumeDeactivationsSubscription = { __typename?: 'Subscription', accountDeactivated: { __typename?: 'AccountLifecycleEvent', cursor: string, eventId: string, account: { __typename?: 'Account', id: string, health: { __typename?: 'AccountHealth', state: AccountHealthState, message: string } } } };


export const AccountDeactivatedDocument = {"__meta__":{"hash":"919d7c8ae699529b3375e5559e1aba12c9da681e708d1a39262f9e078484e8ac"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"AccountDeactivated"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"accountDeactivated"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"eventId"}},{"kind":"Field","name":{"kind":"Name","value":"occurredAt"}},{"kind":"Field","name":{"kind":"Name","value":"cause"}},{"kind":"Field","name":{"kind":"Name","value":"action"}},{"kind":"Field","name":{"kind":"Name","value":"account"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"displayName"}},{"kind":"Field","name":{"kind":"Name","value":"health"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]}}]} as unknown as DocumentNode<AccountDeactivatedSubscription, AccountDeactivatedSubscriptionVariables>;
export const AccountHealthDocument = {"__meta__":{"hash":"f0b1592a38165de5e4e2ddb73ed44c7dd2b6d627a8c67a8ba912daaf011041d6"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"AccountHealth"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}},"defaultValue":{"kind":"IntValue","value":"50"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"accounts"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"displayName"}},{"kind":"Field","name":{"kind":"Name","value":"institutionName"}},{"kind":"Field","name":{"kind":"Name","value":"last4"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"health"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"cause"}},{"kind":"Field","name":{"kind":"Name","value":"action"}},{"kind":"Field","name":{"kind":"Name","value":"needsAttention"}},{"kind":"Field","name":{"kind":"Name","value":"expectedDeactivationAt"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}},{"kind":"Field","name":{"kind":"Name","value":"authorization"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}}]}}]}}]} as unknown as DocumentNode<AccountHealthQuery, AccountHealthQueryVariables>;
export const CreateRelinkSessionDocument = {"__meta__":{"hash":"364b3205e94f6eaf1e7f302f49564c103a987af6e1388feec2fa7a58c9a3bca4"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CreateRelinkSession"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"accountId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createRelinkSession"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"accountId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"accountId"}}},{"kind":"ObjectField","name":{"kind":"Name","value":"permissions"},"value":{"kind":"ListValue","values":[{"kind":"EnumValue","value":"BALANCES"},{"kind":"EnumValue","value":"TRANSACTIONS"}]}}]}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"clientSecret"}},{"kind":"Field","name":{"kind":"Name","value":"relinkSession"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}}]}},{"kind":"Field","name":{"kind":"Name","value":"userErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<CreateRelinkSessionMutation, CreateRelinkSessionMutationVariables>;
export const RelinkOutcomeDocument = {"__meta__":{"hash":"a37af6eead902e4a6f69a89d64d6a172b5ce968c1bbfebb45504ac4cdb991910"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"RelinkOutcome"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"relinkSession"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"outcome"}},{"kind":"Field","name":{"kind":"Name","value":"reconciliation"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"reactivatedAccounts"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"displayName"}}]}},{"kind":"Field","name":{"kind":"Name","value":"stillInactiveAccounts"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"displayName"}},{"kind":"Field","name":{"kind":"Name","value":"health"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"newAccounts"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"displayName"}}]}}]}}]}}]}}]} as unknown as DocumentNode<RelinkOutcomeQuery, RelinkOutcomeQueryVariables>;
export const ResumeDeactivationsDocument = {"__meta__":{"hash":"e9062ca2d90b207bfed88de32bf58836c3e23094dd1deb12c182d45a342a65e1"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"ResumeDeactivations"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"accountDeactivated"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cursor"}},{"kind":"Field","name":{"kind":"Name","value":"eventId"}},{"kind":"Field","name":{"kind":"Name","value":"account"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"health"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]}}]} as unknown as DocumentNode<ResumeDeactivationsSubscription, ResumeDeactivationsSubscriptionVariables>;