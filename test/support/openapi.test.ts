import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  eventWrapperSchemaName,
  matchTemplate,
  specOperations,
  validateComponent,
  validateEvent,
  validateResponse,
} from "./openapi.js";

type Json = Record<string, unknown>;

const ACCOUNT_PATH = "/v1/financial_connections/accounts/{account}";

function isRecord(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Stripe's own synthetic example objects (stripe-spec/openapi-fixtures-fc.json, public preview). */
function stripeFixture(name: string): Json {
  const file: unknown = JSON.parse(
    readFileSync(new URL("../../stripe-spec/openapi-fixtures-fc.json", import.meta.url), "utf8"),
  );
  const resources = isRecord(file) ? file.public_preview : undefined;
  const byName = isRecord(resources) ? resources.resources : undefined;
  const fixture = isRecord(byName) ? byName[name] : undefined;
  if (!isRecord(fixture)) throw new Error(`no fixture ${name}`);
  return structuredClone(fixture);
}

function account(): Json {
  return stripeFixture("financial_connections.account");
}

function errorsOf(result: ReturnType<typeof validateResponse>): string {
  return result.ok ? "" : result.errors.join("\n");
}

describe("the OpenAPI validator", () => {
  it("knows all 15 Financial Connections operations and the 2 of the Events API", () => {
    const operations = specOperations();
    expect(operations).toHaveLength(17);
    expect(operations.filter((op) => op.template.startsWith("/v1/events"))).toEqual([
      { method: "GET", template: "/v1/events" },
      { method: "GET", template: "/v1/events/{id}" },
    ]);
  });

  it("maps concrete paths to their template, preferring the exact shape", () => {
    expect(matchTemplate("GET", "/v1/financial_connections/accounts/fca_1?expand[]=x")).toBe(
      ACCOUNT_PATH,
    );
    expect(matchTemplate("GET", "/v1/financial_connections/accounts/fca_1/owners")).toBe(
      `${ACCOUNT_PATH}/owners`,
    );
    expect(matchTemplate("POST", "/v1/financial_connections/sessions")).toBe(
      "/v1/financial_connections/sessions",
    );
    expect(matchTemplate("DELETE", "/v1/financial_connections/accounts/fca_1")).toBeUndefined();
  });

  it("accepts Stripe's own account fixture, including null for nullable anyOf fields", () => {
    const body = account();
    expect(body.ownership).toBeNull();
    const result = validateResponse("GET", ACCOUNT_PATH, 200, body);
    expect(errorsOf(result)).toBe("");
  });

  it("accepts every public-preview fixture as its component schema", () => {
    for (const name of [
      "financial_connections.account",
      "financial_connections.account_owner",
      "financial_connections.authorization",
      "financial_connections.institution",
      "financial_connections.session",
      "financial_connections.transaction",
    ]) {
      const result = validateComponent(name, stripeFixture(name));
      expect(result.ok ? "" : result.errors.join("\n"), name).toBe("");
    }
  });

  it("rejects a body that misses a required field and names the field", () => {
    const body = account();
    delete body.status;
    const result = validateResponse("GET", ACCOUNT_PATH, 200, body);
    expect(result.ok).toBe(false);
    expect(errorsOf(result)).toContain("status");
  });

  it("rejects a value outside an enum", () => {
    const result = validateResponse("GET", ACCOUNT_PATH, 200, { ...account(), status: "broken" });
    expect(result.ok).toBe(false);
    expect(errorsOf(result)).toMatch(/\/status must be equal to one of the allowed values/);
  });

  it("rejects a wrong type, and null where the field is not nullable", () => {
    const wrongType = validateResponse("GET", ACCOUNT_PATH, 200, { ...account(), created: "now" });
    expect(errorsOf(wrongType)).toMatch(/\/created must be integer/);
    const nulled = validateResponse("GET", ACCOUNT_PATH, 200, { ...account(), id: null });
    expect(errorsOf(nulled)).toMatch(/\/id must be string/);
  });

  it("rejects a wrong shape inside a nested nullable object", () => {
    const body = { ...account(), balance_refresh: { status: "failed" } };
    expect(errorsOf(validateResponse("GET", ACCOUNT_PATH, 200, body))).toContain(
      "last_attempted_at",
    );
  });

  it("validates unknown statuses against the error schema (the `default` response)", () => {
    const good = { error: { type: "invalid_request_error", message: "x", param: "account" } };
    expect(validateResponse("GET", ACCOUNT_PATH, 404, good).ok).toBe(true);
    expect(validateResponse("GET", ACCOUNT_PATH, 404, account()).ok).toBe(false);
    const badType = { error: { type: "not_an_error_type" } };
    expect(errorsOf(validateResponse("GET", ACCOUNT_PATH, 429, badType))).toContain("/error/type");
  });

  it("reports an operation the spec does not have as a failure", () => {
    const result = validateResponse("DELETE", ACCOUNT_PATH, 200, {});
    expect(result.ok).toBe(false);
  });

  it("validates an event against `event` and its type's wrapper (data.object)", () => {
    const event = {
      id: "evt_1",
      object: "event",
      api_version: "2026-07-29.preview",
      created: 1_700_000_000,
      livemode: false,
      pending_webhooks: 1,
      request: { id: null, idempotency_key: null },
      type: "financial_connections.account.deactivated",
      data: { object: { ...account(), status: "inactive" } },
    };
    expect(eventWrapperSchemaName(event.type)).toBe("financial_connections.account.deactivated");
    const ok = validateEvent(event);
    expect(ok.ok ? "" : ok.errors.join("\n")).toBe("");

    const badObject = validateEvent({ ...event, data: { object: { id: "fca_1" } } });
    expect(badObject.ok ? "" : badObject.errors.join("\n")).toMatch(/^data .*required/m);

    const badEnvelope = validateEvent({ ...event, object: "not_event", pending_webhooks: "1" });
    expect(badEnvelope.ok ? "" : badEnvelope.errors.join("\n")).toMatch(/^event: \/object/m);

    const unknownType = validateEvent({ ...event, type: "financial_connections.account.exploded" });
    expect(unknownType.ok ? "" : unknownType.errors.join("\n")).toContain("no event schema");
  });
});
