import type { AccountLifecycleType } from "../pubsub/account-event.js";
import type { StripeAccount } from "../stripe/wire-types.js";

/** True when the account's state still says what the event says (else the event is stale). */
export function stillTrue(type: AccountLifecycleType, account: StripeAccount): boolean {
  switch (type) {
    case "DEACTIVATED":
      return account.status === "inactive";
    case "REACTIVATED":
      return account.status === "active";
    case "DEACTIVATION_UPCOMING":
      return account.status === "active" && Boolean(account.status_details?.active);
    case "DISCONNECTED":
      return account.status === "disconnected";
  }
}

/**
 * The lifecycle event that announces the account's state: disconnected, deactivated, an
 * upcoming deactivation (active with `status_details.active`), else reactivated (active).
 */
export function lifecycleOf(account: StripeAccount): AccountLifecycleType {
  if (account.status === "disconnected") return "DISCONNECTED";
  if (account.status === "inactive") return "DEACTIVATED";
  return account.status_details?.active ? "DEACTIVATION_UPCOMING" : "REACTIVATED";
}
