import type { StripeAccount, StripeSession } from "../stripe/wire-types.js";

/** What a finished relink changed for the viewer. */
export interface Reconciliation {
  reactivatedAccounts: StripeAccount[];
  stillInactiveAccounts: StripeAccount[];
  newAccounts: StripeAccount[];
}

/**
 * Works out, from a finished session and the viewer's current accounts, which accounts on the
 * relinked authorization are active now, which are not, and which accounts the session added
 * (collected by it, or on the new authorization it produced). Null for a pending session or one
 * without `relink_options`.
 */
export function reconcile(
  session: StripeSession,
  viewerAccounts: StripeAccount[],
): Reconciliation | null {
  const original = session.relink_options?.authorization;
  if (session.status === "pending" || original === undefined) return null;
  const resultAuthorization = session.relink_result?.authorization ?? null;
  const collected = new Set((session.accounts?.data ?? []).map((account) => account.id));
  const onOriginal = viewerAccounts.filter((account) => account.authorization === original);
  return {
    reactivatedAccounts: onOriginal.filter((account) => account.status === "active"),
    stillInactiveAccounts: onOriginal.filter((account) => account.status !== "active"),
    newAccounts: viewerAccounts.filter(
      (account) =>
        account.authorization !== original &&
        (collected.has(account.id) ||
          (resultAuthorization !== null && account.authorization === resultAuthorization)),
    ),
  };
}
