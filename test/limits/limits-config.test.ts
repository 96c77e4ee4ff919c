import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config/config.js";

const PRODUCTION = {
  NODE_ENV: "production",
  STRIPE_SECRET_KEY: "sk_test_prodLike123",
  STRIPE_WEBHOOK_SECRET: "whsec_productionEndpointSecret01",
  AUTH_JWT_SECRET: "a-production-secret-of-at-least-32-chars",
};

describe("limits and exposure configuration", () => {
  it("has defaults for every limit and the budget", () => {
    const { graphql } = loadConfig({});
    expect(graphql.limits).toEqual({
      maxDepth: 10,
      maxAliases: 15,
      maxTokens: 1_000,
      maxDirectives: 50,
      maxCost: 10_000,
      maxValidationWork: 50_000,
    });
    expect(graphql.costPerMinute).toBe(100_000);
  });

  it("paces expensive callers by default (factor 32 past 2 ms, a refusal counted as 4 ms, median of 3 runs, at most 250 ms), configurably, and not at factor 0", () => {
    expect(loadConfig({}).graphql.fairAdmission).toEqual({
      maxActive: 4,
      maxQueued: 256,
      pacing: { factor: 32, freeMs: 2, refusedMs: 4, maxDelayMs: 250, runs: 3 },
    });
    expect(
      loadConfig({
        GRAPHQL_FAIR_PACING_FACTOR: "0",
        GRAPHQL_FAIR_PACING_FREE_MS: "2.5",
        GRAPHQL_FAIR_PACING_REFUSED_MS: "0",
      }).graphql.fairAdmission.pacing,
    ).toEqual({ factor: 0, freeMs: 2.5, refusedMs: 0, maxDelayMs: 250, runs: 3 });
  });

  it("exposes introspection and the landing page in development only, unless told otherwise", () => {
    expect(loadConfig({}).graphql).toMatchObject({ introspection: true, landingPage: true });
    expect(loadConfig(PRODUCTION).graphql).toMatchObject({
      introspection: false,
      landingPage: false,
    });
    expect(
      loadConfig({ ...PRODUCTION, GRAPHQL_INTROSPECTION: "true", GRAPHQL_LANDING_PAGE: "1" })
        .graphql,
    ).toMatchObject({ introspection: true, landingPage: true });
    expect(loadConfig({ GRAPHQL_INTROSPECTION: "false" }).graphql.introspection).toBe(false);
  });

  it.each([
    ["GRAPHQL_MAX_DEPTH", "0"],
    ["GRAPHQL_MAX_ALIASES", "-1"],
    ["GRAPHQL_MAX_TOKENS", "lots"],
    ["GRAPHQL_MAX_DIRECTIVES", "2.5"],
    ["GRAPHQL_MAX_COST", "0"],
    ["RATE_LIMIT_COST_PER_MINUTE", "none"],
    ["GRAPHQL_INTROSPECTION", "perhaps"],
    ["GRAPHQL_LANDING_PAGE", "sometimes"],
    ["GRAPHQL_FAIR_PACING_FACTOR", "-1"],
    ["GRAPHQL_FAIR_PACING_FREE_MS", "soon"],
    ["GRAPHQL_FAIR_PACING_REFUSED_MS", "-4"],
  ])("rejects a bad %s with a message naming it", (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(name);
  });
});
