import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config/config.js";
import { knownSecretsOf } from "../../src/observability/known-secrets.js";
import { createLogger } from "../../src/observability/logger.js";

const TOKEN = "metrics-scraper-token-4f9c2a7e1b";

/** The ConfigError `loadConfig(env)` throws, or undefined. */
function refusal(env: Record<string, string>): ConfigError | undefined {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  return undefined;
}

describe("metrics configuration", () => {
  it("defaults to no token, no separate port, and loopback for when a port is set", () => {
    expect(loadConfig({}).metrics).toEqual({
      token: undefined,
      port: undefined,
      host: "127.0.0.1",
    });
    expect(
      loadConfig({ METRICS_TOKEN: TOKEN, METRICS_PORT: "9464", METRICS_HOST: "0.0.0.0" }).metrics,
    ).toEqual({ token: TOKEN, port: 9464, host: "0.0.0.0" });
  });

  it.each([
    ["METRICS_TOKEN", "short-token"],
    ["METRICS_TOKEN", "has spaces in the middle of it"],
    ["METRICS_PORT", "70000"],
    ["METRICS_PORT", "nine"],
  ])("rejects a bad %s with a message naming it and not echoing the value", (name, value) => {
    const error = refusal({ [name]: value });
    expect(error?.message).toContain(name);
    expect(error?.message).not.toContain(value);
  });

  it("rejects a METRICS_PORT equal to PORT (one server cannot be both)", () => {
    expect(refusal({ PORT: "4000", METRICS_PORT: "4000" })?.message).toMatch(/METRICS_PORT/);
    expect(refusal({ METRICS_PORT: "4000" })?.message).toMatch(/METRICS_PORT/);
  });

  it("registers METRICS_TOKEN with the logger's value scrubber, like the Stripe key and webhook secrets", () => {
    const config = loadConfig({
      METRICS_TOKEN: TOKEN,
      STRIPE_SECRET_KEY: "sk_test_knownSecrets1",
      STRIPE_WEBHOOK_SECRET: "whsec_knownSecretsTest01",
      AUTH_JWT_SECRET: "a-known-secrets-test-secret-of-32-chars",
    });
    expect(knownSecretsOf(config)).toEqual(
      expect.arrayContaining([TOKEN, "sk_test_knownSecrets1", ...config.webhookSecrets]),
    );
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const logger = createLogger("info", sink, knownSecretsOf(config));
    logger.info({ note: `scraped with ${TOKEN} by mistake` }, `message with ${TOKEN}`);
    expect(lines.join("")).toContain("scraped with");
    expect(lines.join("")).not.toContain(TOKEN);
  });
});
