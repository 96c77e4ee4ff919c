/**
 * The cost model: how many points an operation is charged, so that the per-operation limit
 * (GRAPHQL_MAX_COST) and the per-customer budget (RATE_LIMIT_COST_PER_MINUTE) follow the Stripe
 * calls an operation can cause, not the length of its text. What each field costs is declared
 * next to it in the SDL (schema/*.graphql), with the `@cost` and `@listSize` directives of the
 * GraphQL Cost Directives specification as Apollo Router's demand control defines them
 * (schema/directives.graphql); src/limits/cost-directives.ts reads them once at start-up.
 *
 *   cost(field) = FIELD_COST
 *               + weight                 its `@cost(weight:)`, 0 without one:
 *                                        STRIPE_READ_COST when its resolver may call Stripe,
 *                                        ID_LOOKUP_COST for a root field that looks an object up
 *                                        by id (`account`, `authorization`, `node`),
 *                                        STRIPE_WRITE_COST for a mutation (a POST, then a re-read)
 *               + items × (sum of the costs of its selections)
 *
 * Weights are Stripe calls at worst, STRIPE_READ_COST each: the read model cold, every id
 * unknown to it, `refresh: true` given. The read model (src/read-model) answers most reads with
 * no Stripe call at all, but an estimate made before execution cannot know which ids it holds,
 * so it prices what an id can cause:
 * - an id the read model does not hold (an account, an authorization or a relink session, which
 *   is never held) is looked up in Stripe (one call) within the customer's miss budget
 *   (src/data/miss-budget.ts: MISS_BUDGET misses and lookups in flight per customer and minute);
 *   past it, ids are first checked against the viewer's account set, which is listed at most once
 *   per operation (one call for up to 100 accounts), and any other id answers RATE_LIMITED with
 *   no call. A lookup by id is therefore two calls at worst (ID_LOOKUP_COST), and `nodes(ids)`
 *   one per id plus that one listing: the prices cover what the budget lets through, and no
 *   request makes more (test/limits/stripe-calls-vs-cost.test.ts);
 * - `refresh: true` (`accounts`, `account`) reads Stripe now for this and every later read of
 *   the operation: the cold case, which the weights already price. It spends one of the
 *   customer's refreshes of the minute (RATE_LIMIT_REFRESHES_PER_MINUTE, src/data/refresh-budget.ts;
 *   past it, RATE_LIMITED with no call), and ids the read model does not hold stay within the
 *   miss budget while refreshing;
 * - a subscription is charged its whole cost once, when subscribed (subscribing reads nothing),
 *   and then, on each event delivered to it, the cost of the fields of its selection that read
 *   Stripe on every event (STRIPE_READS_PER_EVENT: `account { transactions owners }`, which the
 *   read model does not hold), priced as a query prices them and multiplied by the items of the
 *   lists above them (`estimateEventCost`). The rest of an event is free per event: the account
 *   state it pushes was read once per Stripe event by the gateway (system work, in the limiter's
 *   reserved share), not per subscriber, and an account's authorization and the authorization's
 *   accounts come from the read model. An event the customer's budget cannot cover is delivered
 *   with those fields null and RATE_LIMITED (`retryAfter` in the error's extensions), with no
 *   Stripe call, and the subscription stays open (src/limits/event-charge.ts);
 *
 * `accounts` lists every account of the viewer, 100 per Stripe call: its weight prices one
 * call, so a customer with more than 100 accounts costs more calls than estimated.
 *
 * `items` is how many items the field can return, from its `@listSize`:
 * - `slicingArguments: ["first"]` (the connections): `first` after the execution-time clamp to
 *   1..100 (MAX_PAGE, the gateway's policy), read from the literal, the variable or the schema
 *   default, so `first: 1000` costs what 100 costs;
 * - `assumedSize: UNPAGED_LIST_ESTIMATE` (the unpaged lists of accounts): that many;
 * - on `Query.nodes`, a list field taking a list of ids: the number of ids (at most its
 *   `assumedSize`), each fetched on its own, so the weight is charged per id, and once for the
 *   listing unknown ids may be checked against: FIELD_COST + weight + items × (weight +
 *   selections). The specification's slicing arguments are `Int`s only, so this is the
 *   gateway's rule (src/limits/cost-directives.ts);
 * - no `@listSize`: 1 (lists of scalars, enums and money cost no Stripe call).
 *
 * Apollo Router reads the same directives with its own arithmetic (scalars free, a list field's
 * weight charged per item, only `sizedFields` multiplied, no clamp), so its estimate differs from
 * this gateway's; the gateway's is the one enforced. A field whose resolver reaches Stripe must
 * have a `@cost`: test/limits/cost-coverage.test.ts finds those fields by running each one
 * against the sandbox.
 *
 * It is an upper bound: per-operation loaders fetch an object asked for twice only once, and
 * `@skip`/`@include` are not evaluated. Introspection (`__schema`, `__type`) costs nothing: it
 * touches no Stripe data and is off in production.
 *
 * Examples: `{ account(id) { id status } }` = 1 + 20 + 2 = 23; `{ nodes(ids: [3 ids]) { id } }`
 * = 1 + 10 + 3 × (10 + 1) = 44. The dashboard,
 * `accounts(first: 100) { nodes { id health { state } authorization { id } } }`, is
 * 1 + 10 + 100 × (1 + 1 + 2 + 12) = 1611.
 */

/** Every field, `__typename` included: resolving it is work even when no Stripe call is made. */
export const FIELD_COST = 1;
/** The `@cost` weight of a field whose resolver may make one Stripe GET. */
export const STRIPE_READ_COST = 10;
/**
 * The `@cost` weight of a root field that looks an object up by id: the lookup, and the listing of
 * the viewer's accounts that an unknown id is checked against past the customer's miss budget.
 */
export const ID_LOOKUP_COST = 2 * STRIPE_READ_COST;
/** The `@cost` weight of a mutation: a Stripe POST, which Stripe rate-limits more tightly, and a re-read. */
export const STRIPE_WRITE_COST = 50;
/** The `@listSize(assumedSize:)` of a list of accounts that has no `first` (an authorization's accounts). */
export const UNPAGED_LIST_ESTIMATE = 10;

/**
 * The fields (`Type.field`) whose resolvers read Stripe every time they run, because the read
 * model does not hold what they return: under a subscription they are read on every event
 * delivered, so `estimateEventCost` charges them per event. A field the read model answers
 * (`Account.authorization`, `Authorization.accounts`) reads Stripe at most once when the read
 * model is cold, and is priced at subscribe only.
 */
export const STRIPE_READS_PER_EVENT: ReadonlySet<string> = new Set([
  "Account.transactions",
  "Account.owners",
]);
