import { describe, expect, it } from "vitest";
import { DEV_JWT_SECRET } from "../../src/config/auth-dev-defaults.js";
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
      // A real key refuses the public dev JWT secret: a team secret is required.
      AUTH_JWT_SECRET: "a-team-secret-that-is-at-least-32-chars",
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

/**
 * Embedded sandbox mode: neither STRIPE_SECRET_KEY nor STRIPE_API_BASE. A real Stripe key: any
 * STRIPE_SECRET_KEY but the sandbox's dev key, test or live alike.
 */
describe("public development secrets", () => {
  const TEAM_JWT_SECRET = "a-team-secret-that-is-at-least-32-chars";
  const ENDPOINT_SECRET = "whsec_endpointSecretFromTheDashboard01";

  /** The ConfigError `env` raises (fails the test when it loads). */
  function refusal(env: Record<string, string>): ConfigError {
    try {
      loadConfig(env);
    } catch (error) {
      if (error instanceof ConfigError) return error;
      throw error;
    }
    throw new Error("the configuration was accepted");
  }

  it("refuses production with a test key and no STRIPE_WEBHOOK_SECRET (no silent dev secret)", () => {
    const error = refusal({
      NODE_ENV: "production",
      STRIPE_SECRET_KEY: "sk_test_prodLike123",
      AUTH_JWT_SECRET: TEAM_JWT_SECRET,
    });
    expect(error.message).toContain("STRIPE_WEBHOOK_SECRET: required outside the embedded sandbox");
    expect(error.message).toContain("signing secret (whsec_…) from the Stripe dashboard");
  });

  it("refuses STRIPE_API_BASE without STRIPE_WEBHOOK_SECRET (outside the embedded sandbox)", () => {
    const error = refusal({ STRIPE_API_BASE: "http://localhost:12111" });
    expect(error.message).toContain("STRIPE_WEBHOOK_SECRET: required outside the embedded sandbox");
  });

  it.each([
    ["a live key", { STRIPE_SECRET_KEY: "sk_live_abc123" }],
    ["a real test key", { STRIPE_SECRET_KEY: "sk_test_realAccount123" }],
    ["production", { NODE_ENV: "production", STRIPE_API_BASE: "http://mock.test" }],
  ])(
    "refuses the sandbox's webhook secret set explicitly with %s, without echoing it",
    (_name, env) => {
      const error = refusal({
        ...env,
        STRIPE_WEBHOOK_SECRET: `${ENDPOINT_SECRET},${SANDBOX_DEV_WEBHOOK_SECRET}`,
        AUTH_JWT_SECRET: TEAM_JWT_SECRET,
      });
      expect(error.message).toContain("STRIPE_WEBHOOK_SECRET: the sandbox's public dev secret");
      expect(error.message).not.toContain(SANDBOX_DEV_WEBHOOK_SECRET);
    },
  );

  it.each([
    ["production", { NODE_ENV: "production", STRIPE_SECRET_KEY: "sk_test_prodLike123" }],
    ["a real test key", { STRIPE_SECRET_KEY: "sk_test_realAccount123" }],
  ])("refuses the dev JWT secret set explicitly with %s, without echoing it", (_name, env) => {
    const error = refusal({
      ...env,
      STRIPE_WEBHOOK_SECRET: ENDPOINT_SECRET,
      AUTH_JWT_SECRET: DEV_JWT_SECRET,
    });
    expect(error.message).toContain("AUTH_JWT_SECRET: the public dev secret is refused");
    expect(error.message).not.toContain(DEV_JWT_SECRET);
  });

  it("refuses a real test key without AUTH_JWT_SECRET or AUTH_JWKS_URL (no silent dev JWT secret)", () => {
    const error = refusal({
      STRIPE_SECRET_KEY: "sk_test_realAccount123",
      STRIPE_WEBHOOK_SECRET: ENDPOINT_SECRET,
    });
    expect(error.message).toContain(
      "AUTH_JWT_SECRET: AUTH_JWT_SECRET or AUTH_JWKS_URL is required",
    );
  });

  it("accepts the sandbox's webhook secret given explicitly for a standalone sandbox outside production", () => {
    const config = loadConfig({
      STRIPE_API_BASE: "http://localhost:12111",
      STRIPE_WEBHOOK_SECRET: SANDBOX_DEV_WEBHOOK_SECRET,
    });
    expect(config.webhookSecrets).toEqual([SANDBOX_DEV_WEBHOOK_SECRET]);
    expect(config.auth.mode === "hs256" && config.auth.usingDevSecret).toBe(true);
  });

  it("accepts production with a real key, an endpoint secret and a team JWT secret", () => {
    const config = loadConfig({
      NODE_ENV: "production",
      STRIPE_SECRET_KEY: "sk_live_abc123",
      STRIPE_WEBHOOK_SECRET: ENDPOINT_SECRET,
      AUTH_JWT_SECRET: TEAM_JWT_SECRET,
    });
    expect(config.webhookSecrets).toEqual([ENDPOINT_SECRET]);
    expect(config.auth.mode === "hs256" && config.auth.usingDevSecret).toBe(false);
  });
});

describe("AUTH_MAX_TOKEN_AGE", () => {
  it("defaults to 24 hours and takes a number of seconds", () => {
    expect(loadConfig({}).auth.maxTokenAgeSeconds).toBe(86_400);
    expect(loadConfig({ AUTH_MAX_TOKEN_AGE: "5184000" }).auth.maxTokenAgeSeconds).toBe(5_184_000);
  });

  it.each(["0", "-5", "1.5", "24h"])("refuses %s with a message naming it", (value) => {
    expect(() => loadConfig({ AUTH_MAX_TOKEN_AGE: value })).toThrow(/AUTH_MAX_TOKEN_AGE/);
  });
});
