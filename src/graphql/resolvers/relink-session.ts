import type { RelinkOutcome, RelinkSessionStatus } from "../../generated/graphql.js";
import { reconcile } from "../../relink/reconcile.js";
import { toOpenEnum } from "../../stripe/open-enum.js";
import type { StripeSession } from "../../stripe/wire-types.js";
import type { RelinkSessionResolvers } from "../resolver-types.generated.js";
import { toPermissions } from "./account.js";

const STATUSES = [
  "PENDING",
  "SUCCEEDED",
  "FAILED",
  "CANCELLED",
] as const satisfies readonly RelinkSessionStatus[];

const FAILURES: Record<string, RelinkOutcome> = {
  no_account: "NO_ACCOUNT_SELECTED",
  no_authorization: "AUTHENTICATION_FAILED",
  other: "OTHER_FAILURE",
};

/**
 * Maps Stripe's `relink_result` to an outcome. A relink that succeeded names the repaired
 * authorization. When the account holder logged into other credentials instead, Stripe reports
 * `no_authorization` yet the session succeeds with the newly linked accounts: that is
 * NEW_AUTHORIZATION; `no_authorization` with nothing linked means authentication failed.
 * Never throws; anything else unforeseen is UNKNOWN.
 */
export function relinkOutcome(session: StripeSession): RelinkOutcome {
  if (session.status === "pending") return "PENDING";
  const result = session.relink_result;
  if (result === undefined || result === null) return "UNKNOWN";
  const linkedAccounts = session.accounts?.data.length ?? 0;
  if (result.failure_reason === "no_authorization" && linkedAccounts > 0)
    return "NEW_AUTHORIZATION";
  if (result.failure_reason !== null) return FAILURES[result.failure_reason] ?? "UNKNOWN";
  if (result.authorization === null) return "UNKNOWN";
  return result.authorization === session.relink_options?.authorization
    ? "RELINKED"
    : "NEW_AUTHORIZATION";
}

/** RelinkSession fields. Deliberately no resolver (and no schema field) for `client_secret`. */
export const RelinkSession: RelinkSessionResolvers = {
  status: (session) => toOpenEnum(STATUSES, session.status),
  permissions: (session) => toPermissions(session.permissions),
  authorization: async (session, _args, { data }) => {
    const id = session.relink_options?.authorization;
    if (id === undefined) return null;
    const known = await data.authorization(id);
    // Stripe made it active; a read model that has not heard yet is corrected (and written).
    return relinkOutcome(session) === "RELINKED" && known.status !== "active"
      ? data.currentAuthorization(id)
      : known;
  },
  account: (session, _args, { data }) =>
    session.relink_options?.account ? data.account(session.relink_options.account) : null,
  outcome: relinkOutcome,
  reconciliation: async (session, _args, { data }) =>
    relinkOutcome(session) === "PENDING" ? null : reconcile(session, await data.viewerAccounts()),
};
