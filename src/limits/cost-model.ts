/**
 * The cost model: how many points an operation is charged, so that the per-operation limit
 * (GRAPHQL_MAX_COST) and the per-customer budget (RATE_LIMIT_COST_PER_MINUTE) follow the Stripe
 * calls an operation can cause, not the length of its text.
 *
 *   cost(field) = FIELD_COST
 *               + STRIPE_READ_COST   when its resolver may call Stripe (STRIPE_READS, subscriptions)
 *               + STRIPE_WRITE_COST  for a mutation (a Stripe POST, then a re-read)
 *               + multiplier × (sum of the costs of its selections)
 *
 * The multiplier is how many items the field can return:
 * - a field with a `first` argument: `first` after the execution-time clamp to 1..100, read from
 *   the literal, the variable or the schema default, so `first: 1000` costs what 100 costs;
 * - `Query.nodes`: the number of ids, each fetched (and charged a Stripe read) on its own;
 * - the unpaged lists of accounts (UNPAGED_LISTS): UNPAGED_LIST_ESTIMATE;
 * - anything else: 1 (lists of scalars and enums cost no Stripe call).
 *
 * It is an upper bound: per-operation loaders fetch an object asked for twice only once, and
 * `@skip`/`@include` are not evaluated. Introspection (`__schema`, `__type`) costs nothing: it
 * touches no Stripe data and is off in production.
 *
 * Examples: `{ account(id) { id status } }` = 1 + 10 + 2 = 13. The dashboard,
 * `accounts(first: 100) { nodes { id health { state } authorization { id } } }`, is
 * 1 + 10 + 100 × (1 + 1 + 2 + 12) = 1611.
 */

/** Every field, `__typename` included: resolving it is work even when no Stripe call is made. */
export const FIELD_COST = 1;
/** A field whose resolver may make one Stripe GET. */
export const STRIPE_READ_COST = 10;
/** A mutation: a Stripe POST, which Stripe rate-limits more tightly, and a re-read. */
export const STRIPE_WRITE_COST = 50;
/** Items assumed in a list of accounts that has no `first` (an authorization's accounts). */
export const UNPAGED_LIST_ESTIMATE = 10;

/** Fields (`Type.field`) whose resolver may call Stripe; mutations and subscriptions come on top. */
export const STRIPE_READS: ReadonlySet<string> = new Set([
  "Query.accounts",
  "Query.account",
  "Query.authorization",
  "Query.relinkSession",
  "Query.node",
  "Query.nodes",
  "Account.authorization",
  "Account.transactions",
  "Account.owners",
  "Authorization.accounts",
  "RelinkSession.authorization",
  "RelinkSession.account",
  "RelinkSession.reconciliation",
]);

/** Lists of objects with no `first`, multiplied by UNPAGED_LIST_ESTIMATE. */
export const UNPAGED_LISTS: ReadonlySet<string> = new Set([
  "Authorization.accounts",
  "RelinkReconciliation.reactivatedAccounts",
  "RelinkReconciliation.stillInactiveAccounts",
  "RelinkReconciliation.newAccounts",
]);

/** Fields whose multiplier is the length of their `ids` argument, each id a Stripe read. */
export const PER_ID_READS: ReadonlySet<string> = new Set(["Query.nodes"]);
