import { describe, expect, it } from "vitest";
import { StripeError } from "../../../src/sandbox/http/errors.js";
import { parseForm, requestParams } from "../../../src/sandbox/http/params.js";
import { matchOperation, specOperations } from "../../../src/sandbox/spec/openapi.js";
import { validateParams } from "../../../src/sandbox/spec/validate-params.js";

function operation(method: string, path: string) {
  const match = matchOperation(method, path);
  if (!match) throw new Error(`no operation for ${method} ${path}`);
  return match.operation;
}

function errorOf(run: () => unknown): StripeError {
  try {
    run();
  } catch (error) {
    if (error instanceof StripeError) return error;
    throw error;
  }
  throw new Error("expected a StripeError");
}

describe("form parsing", () => {
  it("reads Stripe's bracket syntax into nested objects and arrays", () => {
    expect(
      parseForm(
        "account_holder%5Bcustomer%5D=cus_1&features[]=balance&features[]=ownership&expand[0]=data.institution",
      ),
    ).toEqual({
      account_holder: { customer: "cus_1" },
      features: ["balance", "ownership"],
      expand: ["data.institution"],
    });
  });

  it("merges the query string with a form body, the body winning", () => {
    expect(requestParams("limit=3&a=1", "a=2", "application/x-www-form-urlencoded")).toEqual({
      limit: "3",
      a: "2",
    });
  });
});

describe("parameter validation against the OpenAPI operation", () => {
  const list = operation("GET", "/v1/financial_connections/accounts");
  const create = operation("POST", "/v1/financial_connections/sessions");
  const transactions = operation("GET", "/v1/financial_connections/transactions");

  it("coerces integers and keeps known parameters", () => {
    expect(
      validateParams(list.params, { limit: "5", account_holder: { customer: "cus_1" } }),
    ).toEqual({
      limit: 5,
      account_holder: { customer: "cus_1" },
    });
  });

  it("rejects an unknown parameter, naming nested ones with brackets", () => {
    expect(errorOf(() => validateParams(list.params, { foo: "1" }))).toMatchObject({
      status: 400,
      code: "parameter_unknown",
      param: "foo",
    });
    expect(
      errorOf(() => validateParams(list.params, { account_holder: { nope: "x" } })).param,
    ).toBe("account_holder[nope]");
  });

  it("rejects a missing required parameter with parameter_missing", () => {
    const error = errorOf(() => validateParams(create.params, {}));
    expect(error).toMatchObject({ code: "parameter_missing", param: "permissions" });
    expect(error.message).toBe("Missing required param: permissions.");
  });

  it("rejects a non-integer with parameter_invalid_integer", () => {
    expect(errorOf(() => validateParams(list.params, { limit: "ten" }))).toMatchObject({
      code: "parameter_invalid_integer",
      param: "limit",
      message: "Invalid integer: ten",
    });
  });

  it("rejects a value outside an enum, naming the array item", () => {
    const error = errorOf(() =>
      validateParams(create.params, { permissions: ["balances", "nope"] }),
    );
    expect(error.param).toBe("permissions[1]");
    expect(error.message).toContain("must be one of");
  });

  it("treats an empty string as not sent", () => {
    expect(validateParams(list.params, { starting_after: "" })).toEqual({});
  });

  it("accepts both shapes of transacted_at (integer or range)", () => {
    expect(
      validateParams(transactions.params, { account: "fca_1", transacted_at: "100" }),
    ).toMatchObject({
      transacted_at: 100,
    });
    expect(
      validateParams(transactions.params, {
        account: "fca_1",
        transacted_at: { gte: "1", lt: "9" },
      }),
    ).toMatchObject({ transacted_at: { gte: 1, lt: 9 } });
    expect(
      errorOf(() =>
        validateParams(transactions.params, { account: "fca_1", transacted_at: { gte: "x" } }),
      ).param,
    ).toBe("transacted_at[gte]");
  });

  it("covers every operation of the spec with a route key", () => {
    expect(specOperations().map((op) => op.key)).toHaveLength(17);
    expect(matchOperation("GET", "/v1/events/evt_1")?.pathParams).toEqual({ id: "evt_1" });
    expect(
      matchOperation("GET", "/v1/financial_connections/accounts/fca_1/owners")?.pathParams,
    ).toEqual({
      account: "fca_1",
    });
    expect(matchOperation("DELETE", "/v1/financial_connections/accounts")).toBeUndefined();
  });
});
