import type { DataAccess } from "../data/data-access.js";
import { IdempotencyConflictError, NotFoundError } from "../data/errors.js";
import type { CreateRelinkSessionInput } from "../generated/graphql.js";
import type { StripeAccount, StripeAuthorization, StripeSession } from "../stripe/wire-types.js";
import { fingerprintOf, type IdempotencyKeyStore } from "./idempotency-keys.js";
import { type RelinkUserError, relinkError } from "./user-error.js";
import { type ValidRelinkInput, validateRelinkInput } from "./validate-input.js";

/** createRelinkSession's result before GraphQL: a session and its secret, or user errors. */
export type RelinkResult =
  | { relinkSession: StripeSession; clientSecret: string; userErrors: [] }
  | { relinkSession: null; clientSecret: null; userErrors: RelinkUserError[] };

const failed = (...userErrors: RelinkUserError[]): RelinkResult => ({
  relinkSession: null,
  clientSecret: null,
  userErrors,
});

/** True when a relink can repair the account (Stripe recommends relink, or it still works). */
function accountRepairable(account: StripeAccount): boolean {
  if (account.status === "disconnected") return false;
  return !(account.status === "inactive" && account.status_details?.inactive?.action === "none");
}

function authorizationRepairable(authorization: StripeAuthorization): boolean {
  if (authorization.status === "disconnected") return false;
  return !(
    authorization.status === "inactive" && authorization.status_details?.inactive?.action === "none"
  );
}

/**
 * Loads the target through the data-access tenancy check, as Stripe has it now (never a possibly
 * stale read-model copy: whether a relink can repair it is decided on Stripe's state, like an
 * account action's precondition); NotFoundError (missing or foreign) becomes a user error.
 */
async function resolveTarget(
  data: DataAccess,
  target: ValidRelinkInput["target"],
): Promise<{ authorization: string; account?: string } | RelinkUserError> {
  const field = target.kind === "account" ? "accountId" : "authorizationId";
  try {
    if (target.kind === "account") {
      const account = await data.account(target.id, { refresh: true, forAction: true });
      if (!accountRepairable(account) || !account.authorization) {
        return relinkError(
          "NOT_REPAIRABLE",
          field,
          "A relink cannot repair this account: link it again as a new account.",
        );
      }
      return { authorization: account.authorization, account: account.id };
    }
    const authorization = await data.currentAuthorization(target.id);
    if (!authorizationRepairable(authorization)) {
      return relinkError(
        "NOT_REPAIRABLE",
        field,
        "A relink cannot repair these credentials: link the accounts again.",
      );
    }
    return { authorization: authorization.id };
  } catch (error) {
    if (error instanceof NotFoundError) {
      return relinkError("NOT_FOUND", field, `No ${target.kind} ${target.id} among the viewer's.`);
    }
    throw error;
  }
}

/**
 * Creates a relink session for the viewer: validates the input (nothing reaches Stripe when it is
 * invalid), checks the target through the data-access tenancy check, and creates the session with
 * `relink_options` and an idempotency key, so a retry returns the same session. Stripe refusing
 * the caller's idempotency key is a user error; every other failure rejects with the data layer's
 * error (a top-level coded error at the edge).
 */
export async function createRelinkSession(
  data: DataAccess,
  keys: IdempotencyKeyStore,
  input: CreateRelinkSessionInput,
): Promise<RelinkResult> {
  const validated = validateRelinkInput(input);
  if (!validated.ok) return failed(...validated.errors);
  const valid = validated.value;
  const { customerId } = data.viewer();
  const target = await resolveTarget(data, valid.target);
  if ("code" in target) return failed(target);

  const params = {
    permissions: valid.permissions,
    relinkAuthorization: target.authorization,
    relinkAccount: target.account,
    accountSubcategories: valid.accountSubcategories,
    returnUrl: valid.returnUrl,
  };
  const key =
    valid.idempotencyKey !== undefined
      ? `relink-${fingerprintOf([customerId, valid.idempotencyKey])}`
      : await keys.keyFor(fingerprintOf([customerId, params]));
  try {
    const created = await data.createSession(params, key);
    return { relinkSession: created.session, clientSecret: created.clientSecret, userErrors: [] };
  } catch (error) {
    // Only the caller's own key is the caller's to fix; a conflict on the gateway's derived key
    // is not, and reaches the edge as an upstream refusal.
    if (error instanceof IdempotencyConflictError && valid.idempotencyKey !== undefined) {
      return failed(
        relinkError(
          "INVALID_IDEMPOTENCY_KEY",
          "idempotencyKey",
          "This idempotency key was used with different input.",
        ),
      );
    }
    throw error;
  }
}
