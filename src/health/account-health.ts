import type {
  AccountHealth,
  AccountHealthAction,
  AccountHealthCause,
} from "../generated/graphql.js";
import { toOpenEnum } from "../stripe/open-enum.js";
import { healthMessage } from "./messages.js";

/**
 * The parts of a Stripe account that health is derived from. Typed loosely on purpose: fields
 * may be missing (an older API version has no `status_details`) and enums may hold new values.
 */
export interface AccountHealthInput {
  status: string;
  status_details?: {
    active?: { action?: string; cause?: string; expected_deactivation_date?: number } | null;
    inactive?: { action?: string; cause?: string } | null;
  } | null;
}

const CAUSES = [
  "ACCESS_DENIED",
  "ACCESS_EXPIRED",
  "ACCOUNT_CLOSED",
  "ACCOUNT_UNAVAILABLE",
  "INSTITUTION_REQUIREMENT",
  "UNSPECIFIED",
] as const satisfies readonly AccountHealthCause[];

/** Causes a relink cannot fix: the account itself is gone, so only a new link helps. */
const ACCOUNT_GONE: readonly AccountHealthCause[] = ["ACCOUNT_CLOSED", "ACCOUNT_UNAVAILABLE"];

const causeOf = (cause: string | undefined): AccountHealthCause | null =>
  cause === undefined ? null : toOpenEnum(CAUSES, cause);

/** What to recommend for an inactive account that a relink cannot repair. */
function actionWhenNotRepairable(cause: AccountHealthCause | null): AccountHealthAction {
  if (cause === "ACCESS_DENIED") return "CONTACT_INSTITUTION";
  if (cause !== null && ACCOUNT_GONE.includes(cause)) return "LINK_NEW_ACCOUNT";
  return "NONE";
}

/**
 * Derives an account's health from Stripe's `status` and `status_details`. Total: any input,
 * including unknown statuses, causes or actions, yields a state (UNKNOWN where unsure) and a
 * message; it never throws.
 */
export function deriveAccountHealth(account: AccountHealthInput): AccountHealth {
  const details = account.status_details ?? null;
  switch (account.status) {
    case "active": {
      const upcoming = details?.active ?? null;
      if (upcoming === null || upcoming.expected_deactivation_date === undefined) {
        return build("HEALTHY", null, "NONE", null);
      }
      const cause = causeOf(upcoming.cause);
      const action: AccountHealthAction =
        upcoming.action === "relink_required"
          ? "RELINK"
          : upcoming.action === "none"
            ? "NONE"
            : "UNKNOWN";
      return build("EXPIRING", cause, action, new Date(upcoming.expected_deactivation_date * 1000));
    }
    case "inactive": {
      const inactive = details?.inactive ?? null;
      if (inactive === null) return build("UNKNOWN", null, "UNKNOWN", null);
      const cause = causeOf(inactive.cause);
      if (inactive.action === "relink_required")
        return build("RELINK_REQUIRED", cause, "RELINK", null);
      if (inactive.action === "none") {
        return build("INACTIVE_NOT_REPAIRABLE", cause, actionWhenNotRepairable(cause), null);
      }
      return build("UNKNOWN", cause, "UNKNOWN", null);
    }
    case "disconnected":
      return build("DISCONNECTED", null, "LINK_NEW_ACCOUNT", null);
    default:
      return build("UNKNOWN", null, "UNKNOWN", null);
  }
}

function build(
  state: AccountHealth["state"],
  cause: AccountHealthCause | null,
  action: AccountHealthAction,
  expectedDeactivationAt: Date | null,
): AccountHealth {
  return {
    state,
    cause,
    action,
    expectedDeactivationAt,
    needsAttention:
      action === "RELINK" || action === "LINK_NEW_ACCOUNT" || action === "CONTACT_INSTITUTION",
    message: healthMessage({ state, cause, expectedDeactivationAt }),
  };
}
