import type { AuthorizationHealth } from "../generated/graphql.js";

/** The parts of a Stripe authorization that its health is derived from (loosely typed: enums are open). */
export interface AuthorizationHealthInput {
  status: string;
  status_details?: { inactive?: { action?: string } | null } | null;
}

/**
 * Derives an authorization's health from its status and status details. Never throws; unknown
 * statuses or actions give UNKNOWN.
 */
export function deriveAuthorizationHealth(
  authorization: AuthorizationHealthInput,
): AuthorizationHealth {
  switch (authorization.status) {
    case "active":
      return {
        state: "HEALTHY",
        action: "NONE",
        needsAttention: false,
        message: "These bank credentials work.",
      };
    case "inactive": {
      const action = authorization.status_details?.inactive?.action;
      if (action === "relink_required") {
        return {
          state: "RELINK_REQUIRED",
          action: "RELINK",
          needsAttention: true,
          message:
            "These bank credentials stopped working. Reconnect to restore access to every account linked with them.",
        };
      }
      if (action === "none") {
        return {
          state: "INACTIVE_NOT_REPAIRABLE",
          action: "NONE",
          needsAttention: false,
          message:
            "These bank credentials stopped working, and reconnecting cannot repair them now.",
        };
      }
      return unknown();
    }
    case "disconnected":
      return {
        state: "DISCONNECTED",
        action: "LINK_NEW_ACCOUNT",
        needsAttention: true,
        message: "These bank credentials were disconnected. Link your accounts again to use them.",
      };
    default:
      return unknown();
  }
}

const unknown = (): AuthorizationHealth => ({
  state: "UNKNOWN",
  action: "UNKNOWN",
  needsAttention: false,
  message: "We could not determine the status of these bank credentials. Try again later.",
});
