import { describe, expect, it } from "vitest";
import type {
  AccountPermission,
  AccountSubcategory,
  CreateRelinkSessionInput,
  RelinkSessionErrorCode,
} from "../../src/generated/graphql.js";
import { validateRelinkInput } from "../../src/relink/validate-input.js";

const VALID: CreateRelinkSessionInput = { accountId: "fca_valid1", permissions: ["BALANCES"] };

/** Values outside the schema's enums: GraphQL refuses them, the validator must too. */
const permission = (value: string) => value as AccountPermission;
const subcategory = (value: string) => value as AccountSubcategory;

describe("validateRelinkInput accepts and normalizes", () => {
  it.each<[string, CreateRelinkSessionInput, Record<string, unknown>]>([
    [
      "an account target, with lowercase, sorted, deduplicated permissions",
      { accountId: "fca_1", permissions: ["TRANSACTIONS", "BALANCES", "TRANSACTIONS"] },
      {
        target: { kind: "account", id: "fca_1" },
        permissions: ["balances", "transactions"],
        accountSubcategories: undefined,
        returnUrl: undefined,
        idempotencyKey: undefined,
      },
    ],
    [
      "an authorization target (a null accountId counts as absent)",
      { accountId: null, authorizationId: "fcauth_1", permissions: ["OWNERSHIP"] },
      { target: { kind: "authorization", id: "fcauth_1" }, permissions: ["ownership"] },
    ],
    [
      "subcategories, lowercase, sorted and deduplicated",
      { ...VALID, accountSubcategories: ["SAVINGS", "CHECKING", "SAVINGS"] },
      { accountSubcategories: ["checking", "savings"] },
    ],
    [
      "an empty subcategory filter",
      { ...VALID, accountSubcategories: [] },
      { accountSubcategories: [] },
    ],
    [
      "an https return URL",
      { ...VALID, returnUrl: "https://app.example/relinked?x=1" },
      { returnUrl: "https://app.example/relinked?x=1" },
    ],
    [
      "an http return URL on localhost",
      { ...VALID, returnUrl: "http://localhost:3000/back" },
      { returnUrl: "http://localhost:3000/back" },
    ],
    [
      "an http return URL on 127.0.0.1",
      { ...VALID, returnUrl: "http://127.0.0.1/back" },
      { returnUrl: "http://127.0.0.1/back" },
    ],
    [
      "an http return URL on [::1]",
      { ...VALID, returnUrl: "http://[::1]:8080/back" },
      { returnUrl: "http://[::1]:8080/back" },
    ],
    [
      "an idempotency key of 255 characters",
      { ...VALID, idempotencyKey: "k".repeat(255) },
      { idempotencyKey: "k".repeat(255) },
    ],
  ])("%s", (_name, input, expected) => {
    const result = validateRelinkInput(input);
    expect(result.ok).toBe(true);
    expect(result.ok && result.value).toMatchObject(expected);
  });
});

describe("validateRelinkInput refuses, naming the field", () => {
  it.each<[string, CreateRelinkSessionInput, RelinkSessionErrorCode, string]>([
    ["neither target", { permissions: ["BALANCES"] }, "INVALID_TARGET", "accountId"],
    [
      "both targets",
      { accountId: "fca_1", authorizationId: "fcauth_1", permissions: ["BALANCES"] },
      "INVALID_TARGET",
      "authorizationId",
    ],
    ["no permission", { ...VALID, permissions: [] }, "INVALID_PERMISSIONS", "permissions"],
    [
      "an unknown permission",
      { ...VALID, permissions: ["BALANCES", permission("TELEPATHY")] },
      "INVALID_PERMISSIONS",
      "permissions",
    ],
    [
      "an unknown subcategory",
      { ...VALID, accountSubcategories: ["CHECKING", subcategory("BROKERAGE")] },
      "INVALID_SUBCATEGORIES",
      "accountSubcategories",
    ],
    [
      "an http return URL off this machine",
      { ...VALID, returnUrl: "http://app.example/back" },
      "INVALID_RETURN_URL",
      "returnUrl",
    ],
    [
      "a javascript: return URL",
      { ...VALID, returnUrl: "javascript:alert(1)" },
      "INVALID_RETURN_URL",
      "returnUrl",
    ],
    [
      "a relative return URL",
      { ...VALID, returnUrl: "/relinked" },
      "INVALID_RETURN_URL",
      "returnUrl",
    ],
    [
      "an empty idempotency key",
      { ...VALID, idempotencyKey: "" },
      "INVALID_IDEMPOTENCY_KEY",
      "idempotencyKey",
    ],
    [
      "a blank idempotency key",
      { ...VALID, idempotencyKey: "   " },
      "INVALID_IDEMPOTENCY_KEY",
      "idempotencyKey",
    ],
    [
      "an idempotency key of 256 characters",
      { ...VALID, idempotencyKey: "k".repeat(256) },
      "INVALID_IDEMPOTENCY_KEY",
      "idempotencyKey",
    ],
  ])("%s: %s", (_name, input, code, field) => {
    const result = validateRelinkInput(input);
    expect(result).toEqual({
      ok: false,
      errors: [{ code, field: ["input", field], message: expect.any(String) }],
    });
  });

  it("reports every problem at once, in field order", () => {
    const result = validateRelinkInput({
      permissions: [],
      accountSubcategories: [subcategory("BROKERAGE")],
      returnUrl: "ftp://files.example/",
      idempotencyKey: "",
    });
    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.errors.map((error) => error.code)).toEqual([
      "INVALID_TARGET",
      "INVALID_PERMISSIONS",
      "INVALID_SUBCATEGORIES",
      "INVALID_RETURN_URL",
      "INVALID_IDEMPOTENCY_KEY",
    ]);
  });
});
