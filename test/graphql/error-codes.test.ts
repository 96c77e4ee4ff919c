import { readFileSync } from "node:fs";
import { buildSchema, GraphQLError } from "graphql";
import Stripe from "stripe";
import { describe, expect, it } from "vitest";
import {
  BadUserInputError,
  CostBudgetExhaustedError,
  IdempotencyConflictError,
  NotFoundError,
  UnauthenticatedError,
  UpstreamRateLimitedError,
  UpstreamRejectedError,
  UpstreamUnavailableError,
} from "../../src/data/errors.js";
import { fromStripeFailure } from "../../src/data/upstream-failure.js";
import { toClientError } from "../../src/errors/client-errors.js";
import { ERROR_CODE_LIST } from "../../src/errors/error-codes.js";
import { maskError } from "../../src/errors/format-error.js";
import { retryAfterOf } from "../../src/errors/retry-after.js";
import { loadTypeDefs } from "../../src/server/type-defs.js";

/** The backticked SCREAMING_SNAKE words of a text, once each, sorted. */
const codesIn = (text: string) =>
  [...new Set([...text.matchAll(/`([A-Z][A-Z_]+[A-Z])`/g)].map((match) => match[1]))].sort();

const README = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
const readmeSection = README.slice(README.indexOf("## GraphQL errors")).split(/\n## /)[0] ?? "";

describe("the one list of error codes", () => {
  it("is what the README's GraphQL errors table lists", () => {
    const table = readmeSection
      .split("\n")
      .filter((line) => line.startsWith("| `"))
      .join("\n");
    expect(codesIn(table)).toEqual([...ERROR_CODE_LIST].sort());
  });

  it("is what the description of the schema's Query type lists", () => {
    const schema = buildSchema(loadTypeDefs().join("\n"));
    const listed = (schema.getQueryType()?.description ?? "")
      .split("\n")
      .filter((line) => line.startsWith("- ") || line.startsWith("  "))
      .join("\n");
    expect(codesIn(listed)).toEqual([...ERROR_CODE_LIST].sort());
  });

  it("is the masking allowlist: each listed code keeps its message, any other code is masked", () => {
    for (const code of ERROR_CODE_LIST.filter((c) => c !== "INTERNAL_SERVER_ERROR")) {
      expect(maskError({ message: `because ${code}`, extensions: { code } })).toEqual({
        message: `because ${code}`,
        extensions: { code },
      });
    }
    expect(maskError({ message: "db at 10.0.0.7", extensions: { code: "DOWNSTREAM" } })).toEqual({
      message: "Unexpected error.",
      extensions: { code: "INTERNAL_SERVER_ERROR" },
    });
  });
});

describe("toClientError, the edge's translation", () => {
  const located = (error: Error) => new GraphQLError(error.message, { originalError: error });

  it("maps each data-layer error class to its code, under graphql-js's wrapper too", () => {
    const cases: [Error, string][] = [
      [new NotFoundError("account", "fca_1"), "NOT_FOUND"],
      [new BadUserInputError("nodes accepts at most 100 ids."), "BAD_USER_INPUT"],
      [new UnauthenticatedError(), "UNAUTHENTICATED"],
      [new UpstreamRateLimitedError(), "RATE_LIMITED"],
      [new UpstreamUnavailableError(), "UPSTREAM_UNAVAILABLE"],
      [new UpstreamRejectedError(), "UPSTREAM_ERROR"],
      [new IdempotencyConflictError(), "UPSTREAM_ERROR"],
    ];
    for (const [error, code] of cases) {
      expect(toClientError(error).code).toBe(code);
      expect(toClientError(located(error)).code).toBe(code);
      expect(ERROR_CODE_LIST).toContain(code);
    }
    expect(toClientError(new NotFoundError("account", "fca_1")).message).toBe(
      "Account not found: fca_1",
    );
    expect(toClientError(new BadUserInputError("nodes accepts at most 100 ids.")).message).toBe(
      "nodes accepts at most 100 ids.",
    );
  });

  it("retryAfterOf: the seconds a rate-limited error asks for, bare or located; the longest of several", () => {
    const budget = new UpstreamRateLimitedError(undefined, 3);
    const events = new CostBudgetExhaustedError("spent", 7);
    expect(retryAfterOf(budget)).toBe(3);
    expect(retryAfterOf(located(events))).toBe(7);
    expect(retryAfterOf(new UpstreamRateLimitedError())).toBeUndefined();
    expect(retryAfterOf(new NotFoundError("account", "fca_1"))).toBeUndefined();
    expect(retryAfterOf([located(budget), new TypeError("x"), events])).toBe(7);
    expect(retryAfterOf([])).toBeUndefined();
  });

  it("masks anything else, keeping no text of it", () => {
    expect(toClientError(located(new TypeError("x is undefined at secret.ts")))).toEqual({
      code: "INTERNAL_SERVER_ERROR",
      message: "Unexpected error.",
    });
  });
});

describe("fromStripeFailure, the data layer's naming of Stripe's answers", () => {
  const stripeError = (raw: Record<string, unknown>) =>
    Stripe.errors.StripeError.generate({ message: "m", ...raw } as Stripe.StripeRawError);

  it("names only resource_missing a missing object; any other 404 is a refusal", () => {
    const missing = stripeError({
      statusCode: 404,
      type: "invalid_request_error",
      code: "resource_missing",
    });
    const unknownUrl = stripeError({ statusCode: 404, type: "invalid_request_error" });
    expect(fromStripeFailure(missing, "account", "fca_1")).toBeInstanceOf(NotFoundError);
    expect(fromStripeFailure(unknownUrl, "account", "fca_1")).toBeInstanceOf(UpstreamRejectedError);
  });

  it("keeps Stripe's error as the cause, and passes anything that is not Stripe's on unchanged", () => {
    const refused = stripeError({ statusCode: 400, type: "invalid_request_error" });
    expect(fromStripeFailure(refused, "account", "fca_1").cause).toBe(refused);
    const bug = new TypeError("a bug");
    expect(fromStripeFailure(bug, "account", "fca_1")).toBe(bug);
  });
});
