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
 *                                        STRIPE_WRITE_COST for a mutation (a POST, then a re-read),
 *                                        STRIPE_READ_COST for a subscription (each event re-read)
 *               + items × (sum of the costs of its selections)
 *
 * `items` is how many items the field can return, from its `@listSize`:
 * - `slicingArguments: ["first"]` (the connections): `first` after the execution-time clamp to
 *   1..100 (MAX_PAGE, the gateway's policy), read from the literal, the variable or the schema
 *   default, so `first: 1000` costs what 100 costs;
 * - `assumedSize: UNPAGED_LIST_ESTIMATE` (the unpaged lists of accounts): that many;
 * - on `Query.nodes`, a list field taking a list of ids: the number of ids (at most its
 *   `assumedSize`), each fetched on its own, so the weight is charged per id too:
 *   FIELD_COST + items × (weight + selections). The specification's slicing arguments are
 *   `Int`s only, so this is the gateway's rule (src/limits/cost-directives.ts);
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
 * Examples: `{ account(id) { id status } }` = 1 + 10 + 2 = 13. The dashboard,
 * `accounts(first: 100) { nodes { id health { state } authorization { id } } }`, is
 * 1 + 10 + 100 × (1 + 1 + 2 + 12) = 1611.
 */

/** Every field, `__typename` included: resolving it is work even when no Stripe call is made. */
export const FIELD_COST = 1;
/** The `@cost` weight of a field whose resolver may make one Stripe GET, and of a subscription. */
export const STRIPE_READ_COST = 10;
/** The `@cost` weight of a mutation: a Stripe POST, which Stripe rate-limits more tightly, and a re-read. */
export const STRIPE_WRITE_COST = 50;
/** The `@listSize(assumedSize:)` of a list of accounts that has no `first` (an authorization's accounts). */
export const UNPAGED_LIST_ESTIMATE = 10;
