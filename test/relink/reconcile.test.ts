import { describe, expect, it } from "vitest";
import { reconcile } from "../../src/relink/reconcile.js";
import type { StripeAccount, StripeSession } from "../../src/stripe/wire-types.js";

const ORIGINAL = "fcauth_original1";
const RESULT = "fcauth_newLogin1";
const UNRELATED = "fcauth_unrelated1";

const account = (id: string, authorization: string, status: string): StripeAccount =>
  ({ id, object: "financial_connections.account", authorization, status }) as StripeAccount;

/** A finished (or pending) relink session of ORIGINAL. */
function session(fields: {
  status?: "pending" | "succeeded" | "failed" | "cancelled";
  relinkOf?: string | null;
  resultAuthorization?: string | null;
  collected?: string[];
}): StripeSession {
  const { status = "succeeded", relinkOf = ORIGINAL, resultAuthorization = null } = fields;
  return {
    id: "fcsess_reconcile1",
    object: "financial_connections.session",
    status,
    ...(relinkOf === null ? {} : { relink_options: { authorization: relinkOf } }),
    relink_result: { account: null, authorization: resultAuthorization, failure_reason: null },
    accounts: {
      object: "list",
      data: (fields.collected ?? []).map((id) => ({ id })),
      has_more: false,
      url: "/v1/financial_connections/accounts",
    },
  } as unknown as StripeSession;
}

/** The viewer's accounts, now. */
const VIEWER = [
  account("fca_orig_active", ORIGINAL, "active"),
  account("fca_orig_inactive", ORIGINAL, "inactive"),
  account("fca_orig_disconnected", ORIGINAL, "disconnected"),
  account("fca_result_a", RESULT, "active"),
  account("fca_result_b", RESULT, "inactive"),
  account("fca_collected", UNRELATED, "active"),
  account("fca_untouched", UNRELATED, "active"),
];

const ids = (accounts: StripeAccount[]) => accounts.map((entry) => entry.id);

describe("reconcile", () => {
  it.each<[string, StripeSession]>([
    ["a pending session", session({ status: "pending" })],
    ["a session that is not a relink (no relink_options)", session({ relinkOf: null })],
  ])("is null for %s", (_name, input) => {
    expect(reconcile(input, VIEWER)).toBeNull();
  });

  it.each<
    [
      string,
      StripeSession,
      { reactivated: string[]; stillInactive: string[]; newAccounts: string[] },
    ]
  >([
    [
      "a relink of the original authorization: its accounts split by their status now",
      session({ resultAuthorization: ORIGINAL }),
      {
        reactivated: ["fca_orig_active"],
        stillInactive: ["fca_orig_inactive", "fca_orig_disconnected"],
        newAccounts: [],
      },
    ],
    [
      "a new authorization: every account on it is new, whatever its status",
      session({ resultAuthorization: RESULT }),
      {
        reactivated: ["fca_orig_active"],
        stillInactive: ["fca_orig_inactive", "fca_orig_disconnected"],
        newAccounts: ["fca_result_a", "fca_result_b"],
      },
    ],
    [
      "accounts the session collected are new, on whichever authorization",
      session({ resultAuthorization: null, collected: ["fca_collected"] }),
      {
        reactivated: ["fca_orig_active"],
        stillInactive: ["fca_orig_inactive", "fca_orig_disconnected"],
        newAccounts: ["fca_collected"],
      },
    ],
    [
      "a collected account on the original authorization is not new",
      session({ resultAuthorization: ORIGINAL, collected: ["fca_orig_active"] }),
      {
        reactivated: ["fca_orig_active"],
        stillInactive: ["fca_orig_inactive", "fca_orig_disconnected"],
        newAccounts: [],
      },
    ],
    [
      "a failed session still reports where the original accounts stand",
      session({ status: "failed", resultAuthorization: null }),
      {
        reactivated: ["fca_orig_active"],
        stillInactive: ["fca_orig_inactive", "fca_orig_disconnected"],
        newAccounts: [],
      },
    ],
  ])("%s", (_name, input, expected) => {
    const result = reconcile(input, VIEWER);
    expect(result && ids(result.reactivatedAccounts)).toEqual(expected.reactivated);
    expect(result && ids(result.stillInactiveAccounts)).toEqual(expected.stillInactive);
    expect(result && ids(result.newAccounts)).toEqual(expected.newAccounts);
  });

  it("finds nothing when the viewer has no account on any authorization involved", () => {
    const elsewhere = [account("fca_untouched", UNRELATED, "active")];
    expect(reconcile(session({ resultAuthorization: RESULT }), elsewhere)).toEqual({
      reactivatedAccounts: [],
      stillInactiveAccounts: [],
      newAccounts: [],
    });
  });
});
