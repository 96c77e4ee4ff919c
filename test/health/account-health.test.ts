import { describe, expect, it } from "vitest";
import { deriveAccountHealth } from "../../src/health/account-health.js";
import { deriveAuthorizationHealth } from "../../src/health/authorization-health.js";

const NOW = 1_767_225_600; // 2026-01-01T00:00:00Z

describe("deriveAccountHealth", () => {
  it("is HEALTHY for an active account without upcoming deactivation", () => {
    const health = deriveAccountHealth({ status: "active", status_details: {} });
    expect(health).toMatchObject({
      state: "HEALTHY",
      cause: null,
      action: "NONE",
      needsAttention: false,
    });
    expect(health.expectedDeactivationAt).toBeNull();
  });

  it("is EXPIRING with the expected date, cause and a relink prompt when status_details.active is set", () => {
    const health = deriveAccountHealth({
      status: "active",
      status_details: {
        active: {
          action: "relink_required",
          cause: "access_expired",
          expected_deactivation_date: NOW,
        },
      },
    });
    expect(health).toMatchObject({
      state: "EXPIRING",
      cause: "ACCESS_EXPIRED",
      action: "RELINK",
      needsAttention: true,
    });
    expect(health.expectedDeactivationAt?.toISOString()).toBe("2026-01-01T00:00:00.000Z");
    expect(health.message).toContain("January 1, 2026");
  });

  it("is RELINK_REQUIRED for an inactive account whose action is relink_required", () => {
    const health = deriveAccountHealth({
      status: "inactive",
      status_details: { inactive: { action: "relink_required", cause: "access_expired" } },
    });
    expect(health).toMatchObject({
      state: "RELINK_REQUIRED",
      cause: "ACCESS_EXPIRED",
      action: "RELINK",
      needsAttention: true,
    });
    expect(health.message).toMatch(/Reconnect/);
  });

  it.each([
    ["account_closed", "ACCOUNT_CLOSED", "LINK_NEW_ACCOUNT", true],
    ["account_unavailable", "ACCOUNT_UNAVAILABLE", "LINK_NEW_ACCOUNT", true],
    ["access_denied", "ACCESS_DENIED", "CONTACT_INSTITUTION", true],
    ["unspecified", "UNSPECIFIED", "NONE", false],
  ] as const)(
    "is INACTIVE_NOT_REPAIRABLE for action none with cause %s",
    (cause, mappedCause, action, attention) => {
      const health = deriveAccountHealth({
        status: "inactive",
        status_details: { inactive: { action: "none", cause } },
      });
      expect(health).toMatchObject({
        state: "INACTIVE_NOT_REPAIRABLE",
        cause: mappedCause,
        action,
        needsAttention: attention,
      });
    },
  );

  it("is DISCONNECTED for a disconnected account, recommending a new link", () => {
    expect(deriveAccountHealth({ status: "disconnected" })).toMatchObject({
      state: "DISCONNECTED",
      action: "LINK_NEW_ACCOUNT",
      needsAttention: true,
    });
  });

  it("maps a status Stripe added later to UNKNOWN without throwing", () => {
    expect(deriveAccountHealth({ status: "frozen_by_regulator" })).toMatchObject({
      state: "UNKNOWN",
      action: "UNKNOWN",
    });
  });

  it("maps an unknown cause to UNKNOWN and an unknown action to an UNKNOWN state", () => {
    expect(
      deriveAccountHealth({
        status: "inactive",
        status_details: { inactive: { action: "relink_required", cause: "solar_flare" } },
      }),
    ).toMatchObject({ state: "RELINK_REQUIRED", cause: "UNKNOWN" });
    expect(
      deriveAccountHealth({
        status: "inactive",
        status_details: { inactive: { action: "call_us", cause: "access_expired" } },
      }),
    ).toMatchObject({ state: "UNKNOWN", action: "UNKNOWN" });
  });

  it("handles an account without status_details (an older API version)", () => {
    expect(deriveAccountHealth({ status: "active" })).toMatchObject({ state: "HEALTHY" });
    expect(deriveAccountHealth({ status: "inactive" })).toMatchObject({
      state: "UNKNOWN",
      cause: null,
    });
    expect(deriveAccountHealth({ status: "inactive", status_details: null })).toMatchObject({
      state: "UNKNOWN",
    });
  });

  it("always gives a sentence without ids or Stripe jargon", () => {
    const inputs = [
      { status: "active" },
      {
        status: "inactive",
        status_details: {
          inactive: { action: "relink_required", cause: "institution_requirement" },
        },
      },
      { status: "disconnected" },
      { status: "weird" },
    ];
    for (const input of inputs) {
      const { message } = deriveAccountHealth(input);
      expect(message.length).toBeGreaterThan(10);
      expect(message).not.toMatch(/fca_|status_details|relink_required|_/);
    }
  });
});

describe("deriveAuthorizationHealth", () => {
  it.each([
    [{ status: "active" }, "HEALTHY", "NONE"],
    [
      { status: "inactive", status_details: { inactive: { action: "relink_required" } } },
      "RELINK_REQUIRED",
      "RELINK",
    ],
    [
      { status: "inactive", status_details: { inactive: { action: "none" } } },
      "INACTIVE_NOT_REPAIRABLE",
      "NONE",
    ],
    [{ status: "disconnected" }, "DISCONNECTED", "LINK_NEW_ACCOUNT"],
    [{ status: "inactive" }, "UNKNOWN", "UNKNOWN"],
    [{ status: "brand_new" }, "UNKNOWN", "UNKNOWN"],
  ])("derives %j as %s / %s", (input, state, action) => {
    expect(deriveAuthorizationHealth(input)).toMatchObject({ state, action });
  });
});
