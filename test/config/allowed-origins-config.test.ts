import { describe, expect, it } from "vitest";
import { isAllowedOrigin } from "../../src/config/allowed-origins.js";
import { ConfigError, loadConfig } from "../../src/config/config.js";
import { PRODUCTION_ENV } from "../support/production-env.js";

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

describe("ALLOWED_ORIGINS, the one allow-list of CORS and the WebSocket Origin check", () => {
  it("development without a list: any http(s) origin on a loopback host, any port, and nothing else", () => {
    const allowed = loadConfig({}).allowedOrigins;
    expect(allowed).toEqual({ listed: [], loopbackDefault: true });
    for (const origin of [
      "http://localhost:5173",
      "http://127.0.0.1:4000",
      "http://[::1]:3000",
      "https://localhost",
    ])
      expect(isAllowedOrigin(origin, allowed), origin).toBe(true);
    for (const origin of [
      "https://app.example.test",
      "http://localhost.evil.test",
      "http://127.0.0.1.evil.test:80",
      "null",
      "file://",
      "http://localhost:5173/",
      "ws://localhost:5173",
    ])
      expect(isAllowedOrigin(origin, allowed), origin).toBe(false);
  });

  it("production without a list: no origin at all, loopback included", () => {
    const allowed = loadConfig({ ...PRODUCTION_ENV }).allowedOrigins;
    expect(allowed).toEqual({ listed: [], loopbackDefault: false });
    expect(isAllowedOrigin("http://localhost:5173", allowed)).toBe(false);
  });

  it("a list replaces the default, in development too, and matches exactly", () => {
    const allowed = loadConfig({
      ALLOWED_ORIGINS: " https://app.example.test ,http://localhost:5173",
    }).allowedOrigins;
    expect(allowed).toEqual({
      listed: ["https://app.example.test", "http://localhost:5173"],
      loopbackDefault: false,
    });
    expect(isAllowedOrigin("https://app.example.test", allowed)).toBe(true);
    expect(isAllowedOrigin("http://localhost:5173", allowed)).toBe(true);
    expect(isAllowedOrigin("http://localhost:5174", allowed)).toBe(false);
    expect(isAllowedOrigin("http://app.example.test", allowed)).toBe(false);
    expect(isAllowedOrigin("https://app.example.test.evil.test", allowed)).toBe(false);
  });

  it.each([
    ["a trailing slash", "https://app.example.test/", "entry 1 has a path or a trailing slash"],
    ["a path", "https://ok.example.test,https://app.example.test/app", "entry 2 has a path"],
    ["a wildcard", "*", "entry 1 is not a URL"],
    ["null", "null", "entry 1 is not a URL"],
    ["another scheme", "ws://app.example.test", "entry 1 is not http or https"],
    ["capitals", "https://App.Example.test", "entry 1 is not written as a browser sends it"],
    [
      "a default port",
      "https://app.example.test:443",
      "entry 1 is not written as a browser sends it",
    ],
  ])(
    "refuses %s, naming the variable and the entry's position, not its value",
    (_, value, message) => {
      const error = refusal({ ALLOWED_ORIGINS: value });
      expect(error?.message).toContain(`ALLOWED_ORIGINS: ${message}`);
      expect(error?.message).not.toContain("example.test");
    },
  );
});
