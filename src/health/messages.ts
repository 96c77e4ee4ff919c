import type { AccountHealthCause, AccountHealthState } from "../generated/graphql.js";

/** What a health sentence is written from. */
export interface MessageInput {
  state: AccountHealthState;
  cause: AccountHealthCause | null;
  expectedDeactivationAt: Date | null;
}

const CAUSE_PHRASES: Record<AccountHealthCause, string> = {
  ACCESS_DENIED: "your bank denied access to it",
  ACCESS_EXPIRED: "access to it expired",
  ACCOUNT_CLOSED: "the account was closed at your bank",
  ACCOUNT_UNAVAILABLE: "your bank no longer makes it available",
  INSTITUTION_REQUIREMENT: "your bank changed how it connects",
  UNSPECIFIED: "your bank stopped sharing its data",
  UNKNOWN: "your bank stopped sharing its data",
};

/** Formats a date as the account holder reads it, in UTC (for example "March 4, 2026"). */
const formatDay = (date: Date) =>
  date.toLocaleDateString("en-US", {
    year: "numeric",
    month: "long",
    day: "numeric",
    timeZone: "UTC",
  });

/**
 * A sentence a frontend can show the account holder as it is: what happened, why (when Stripe
 * said), and what to do. Plain English, no jargon, no ids.
 */
export function healthMessage({ state, cause, expectedDeactivationAt }: MessageInput): string {
  const because = cause === null ? "" : `: ${CAUSE_PHRASES[cause]}`;
  switch (state) {
    case "HEALTHY":
      return "This account is connected and up to date.";
    case "EXPIRING": {
      const when =
        expectedDeactivationAt === null ? "soon" : `on ${formatDay(expectedDeactivationAt)}`;
      return `This account will stop updating ${when}. Reconnect it now to keep your data flowing.`;
    }
    case "RELINK_REQUIRED":
      return `This account stopped updating${because}. Reconnect it to restore access.`;
    case "INACTIVE_NOT_REPAIRABLE":
      if (cause === "ACCESS_DENIED") {
        return "This account stopped updating: your bank denied access to it. Contact your bank to allow access.";
      }
      if (cause === "ACCOUNT_CLOSED" || cause === "ACCOUNT_UNAVAILABLE") {
        return `This account stopped updating${because}. Link another account to continue.`;
      }
      return `This account stopped updating${because}. There is nothing to do for now.`;
    case "DISCONNECTED":
      return "This account was disconnected. Link it again to use it.";
    case "UNKNOWN":
      return "We could not determine this account's status. Try again later.";
  }
}
