/**
 * The data layer's failures, one class each, so domain code tells them apart with `instanceof`
 * and one function at the edge (`toClientError` in errors/client-errors.ts) turns them into
 * `extensions.code`s. Messages are written for the client; what Stripe said stays in `cause`,
 * for the logs only.
 */

/**
 * Runs `build` with no stack captured: `Error.stackTraceLimit` is not a number meanwhile, so V8
 * neither collects frames nor installs the lazily formatted `stack` (which a limit of 0 still
 * does, formatted through Node's prepareStackTrace when first read or redefined). For an error
 * whose `stack` is then set from another's (graphql-js's GraphQLError copies its original's).
 */
export function withoutCapturedFrames<T>(build: () => T): T {
  const limit = Error.stackTraceLimit;
  (Error as { stackTraceLimit: number | undefined }).stackTraceLimit = undefined;
  try {
    return build();
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/**
 * Builds an expected refusal without a stack trace: errors a client can make by the hundred in one
 * operation (an unknown id past the miss budget, a remembered miss) are answered, never
 * investigated, and capturing and formatting a stack for each (graphql-js reads it to copy it)
 * was most of the CPU such an operation costs. The stack is the error's first line, a plain value.
 */
export function withoutStack<T extends Error>(build: () => T): T {
  const error = withoutCapturedFrames(build);
  // The stack as a plain value: V8 would format it (through Node's prepareStackTrace) when first
  // read, as graphql-js does to copy it, about 9 us an error even without frames.
  Object.defineProperty(error, "stack", {
    value: `${error.name}: ${error.message}`,
    writable: true,
    configurable: true,
    enumerable: false,
  });
  return error;
}

/** Base of every failure the data layer reports on purpose. */
export abstract class DataError extends Error {
  override name = this.constructor.name;
}

/** The kinds of object a NotFoundError can name. */
export type ObjectKind = "account" | "authorization" | "session" | "customer" | "node";

const KIND_NAMES: Record<ObjectKind, string> = {
  account: "Account",
  authorization: "Authorization",
  session: "RelinkSession",
  customer: "Customer",
  node: "Object",
};

/**
 * The object does not exist (Stripe answered `resource_missing`) or is not the viewer's: the
 * same message for both, so a caller cannot tell them apart.
 */
export class NotFoundError extends DataError {
  constructor(
    readonly kind: ObjectKind,
    readonly id: string,
    options?: ErrorOptions,
  ) {
    super(`${KIND_NAMES[kind]} not found: ${id}`, options);
  }
}

/**
 * An argument the schema accepts is still not a valid request (too many ids, a cursor that names
 * no item): BAD_USER_INPUT at the edge, nothing read or changed.
 */
export class BadUserInputError extends DataError {}

/** The operation has no viewer, and what it asked for needs one. */
export class UnauthenticatedError extends DataError {
  constructor(message = "Sign in to read accounts.") {
    super(message);
  }
}

/**
 * Stripe kept answering 429 after the gateway's bounded retries, or the gateway's own Stripe
 * budget refused the call (the customer's queue was full or too slow): `retryAfterSeconds` then
 * says when to retry (the HTTP answer's `Retry-After`).
 */
export class UpstreamRateLimitedError extends DataError {
  constructor(
    options?: ErrorOptions,
    readonly retryAfterSeconds?: number,
  ) {
    super("Stripe is rate limiting this gateway; retry shortly.", options);
  }
}

/**
 * A per-customer budget of Stripe lookups is spent (src/data/miss-budget.ts: ids the read model
 * does not know; src/data/refresh-budget.ts: `refresh: true`): the lookup is refused before any
 * Stripe call, and `retryAfterSeconds` says when to retry. RATE_LIMITED at the edge, with
 * `retryAfter` (and `Retry-After` over HTTP), as the Stripe budget's own refusals.
 */
export class LookupBudgetExhaustedError extends UpstreamRateLimitedError {
  constructor(message: string, retryAfterSeconds: number) {
    super(undefined, retryAfterSeconds);
    this.message = message;
  }
}

/**
 * The customer's cost budget cannot cover the Stripe reads of a subscription event
 * (src/limits/event-charge.ts): the read is refused before any Stripe call, and
 * `retryAfterSeconds` says when the budget is full again.
 */
export class CostBudgetExhaustedError extends DataError {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}

/** Stripe answered 5xx, or could not be reached in time. Retrying later may succeed. */
export class UpstreamUnavailableError extends DataError {
  constructor(options?: ErrorOptions) {
    super("Stripe is unavailable right now; retry shortly.", options);
  }
}

/**
 * Stripe refused the gateway's request (a 4xx that is not a missing object, a rate limit or an
 * idempotency conflict: a 404 for an unknown URL, a 400 naming a parameter, a bad key).
 */
export class UpstreamRejectedError extends DataError {
  constructor(options?: ErrorOptions) {
    super("Stripe rejected the gateway's request.", options);
  }
}

/** Stripe refused an idempotency key that was used before with different parameters. */
export class IdempotencyConflictError extends DataError {
  constructor(options?: ErrorOptions) {
    super("The idempotency key was already used with different input.", options);
  }
}
