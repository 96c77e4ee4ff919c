import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config/config.js";
import {
  PREVIEW_API_VERSION,
  SANDBOX_DEV_WEBHOOK_SECRET,
} from "../../src/shared/sandbox-defaults.js";

describe("loadConfig", () => {
  it("defaults to the embedded sandbox, port 4000, a preview API version and the dev webhook secret", () => {
    const config = loadConfig({});
    expect(config.port).toBe(4000);
    expect(config.stripe.target.kind).toBe("embedded-sandbox");
    expect(config.stripe.apiVersion).toBe(PREVIEW_API_VERSION);
    expect(config.webhookSecrets).toEqual([SANDBOX_DEV_WEBHOOK_SECRET]);
    expect(config.stripe.timeoutMs).toBeLessThan(80_000);
  });

  it("uses Stripe when a key is set and accepts several webhook secrets", () => {
    const config = loadConfig({
      STRIPE_SECRET_KEY: "sk_test_abc123",
      STRIPE_WEBHOOK_SECRET: "whsec_one, whsec_two",
    });
    expect(config.stripe.target).toEqual({
      kind: "stripe",
      apiKey: "sk_test_abc123",
      apiBase: undefined,
    });
    expect(config.webhookSecrets).toEqual(["whsec_one", "whsec_two"]);
  });

  it.each([
    ["PORT", "seventy"],
    ["PORT", "70000"],
    ["STRIPE_SECRET_KEY", "pk_test_abc"],
    ["STRIPE_API_BASE", "ftp://example"],
    ["STRIPE_WEBHOOK_SECRET", "not-a-secret"],
    ["SANDBOX_PORT", "-1"],
    ["REDIS_URL", "http://localhost"],
    ["NODE_ENV", "staging"],
    ["STRIPE_TIMEOUT_MS", "-25"],
  ])("rejects a bad %s with a message naming it and not echoing the value", (name, value) => {
    let caught: unknown;
    try {
      loadConfig({ [name]: value });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as Error).message).toContain(name);
    expect((caught as Error).message).not.toContain(value);
  });

  it("refuses a live key without an explicit webhook secret (the dev secret is never used live)", () => {
    expect(() => loadConfig({ STRIPE_SECRET_KEY: "sk_live_abc123" })).toThrow(
      /STRIPE_WEBHOOK_SECRET/,
    );
  });

  it("refuses production without a Stripe key or API base", () => {
    expect(() => loadConfig({ NODE_ENV: "production" })).toThrow(/STRIPE_SECRET_KEY/);
  });
});
