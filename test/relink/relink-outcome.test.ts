import { describe, expect, it } from "vitest";
import type { RelinkOutcome } from "../../src/generated/graphql.js";
import { relinkOutcome } from "../../src/graphql/resolvers/relink-session.js";
import type { StripeSession } from "../../src/stripe/wire-types.js";

const ORIGINAL = "fcauth_original1";
const OTHER = "fcauth_otherLogin1";

type Result = {
  authorization: string | null;
  failure_reason: string | null;
};

/**
 * A session as Stripe returns it, with the fields the outcome depends on: status, relink_result,
 * relink_options (the authorization being repaired) and how many accounts it collected.
 */
function session(
  status: "pending" | "succeeded" | "failed" | "cancelled",
  result: Result | null | undefined,
  collected = 0,
): StripeSession {
  return {
    id: "fcsess_outcome1",
    object: "financial_connections.session",
    status,
    relink_options: { authorization: ORIGINAL },
    ...(result === undefined ? {} : { relink_result: result && { account: null, ...result } }),
    accounts: {
      object: "list",
      data: Array.from({ length: collected }, (_, index) => ({ id: `fca_new${index}` })),
      has_more: false,
      url: "/v1/financial_connections/accounts",
    },
  } as unknown as StripeSession;
}

describe("relinkOutcome", () => {
  it.each<[string, StripeSession, RelinkOutcome]>([
    ["a pending session", session("pending", undefined), "PENDING"],
    [
      "a pending session, whatever its result says",
      session("pending", { authorization: ORIGINAL, failure_reason: null }),
      "PENDING",
    ],
    [
      "a relink that repaired the original authorization",
      session("succeeded", { authorization: ORIGINAL, failure_reason: null }, 1),
      "RELINKED",
    ],
    [
      "a success naming another authorization",
      session("succeeded", { authorization: OTHER, failure_reason: null }, 2),
      "NEW_AUTHORIZATION",
    ],
    [
      "no_authorization, yet accounts were linked (other credentials)",
      session("succeeded", { authorization: null, failure_reason: "no_authorization" }, 2),
      "NEW_AUTHORIZATION",
    ],
    [
      "no_authorization with nothing linked",
      session("failed", { authorization: null, failure_reason: "no_authorization" }),
      "AUTHENTICATION_FAILED",
    ],
    [
      "no_account",
      session("failed", { authorization: null, failure_reason: "no_account" }),
      "NO_ACCOUNT_SELECTED",
    ],
    [
      "no_account, even with accounts collected",
      session("failed", { authorization: null, failure_reason: "no_account" }, 1),
      "NO_ACCOUNT_SELECTED",
    ],
    ["other", session("failed", { authorization: null, failure_reason: "other" }), "OTHER_FAILURE"],
    [
      "a failure reason Stripe adds tomorrow",
      session("failed", { authorization: null, failure_reason: "institution_gone" }),
      "UNKNOWN",
    ],
    ["a finished session without relink_result", session("succeeded", undefined), "UNKNOWN"],
    ["a cancelled session with a null relink_result", session("cancelled", null), "UNKNOWN"],
    [
      "a success that names no authorization",
      session("succeeded", { authorization: null, failure_reason: null }),
      "UNKNOWN",
    ],
  ])("%s is %s", (_name, input, expected) => {
    expect(relinkOutcome(input)).toBe(expected);
  });
});
