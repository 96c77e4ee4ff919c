import type { CreateRelinkSessionInput } from "../generated/graphql.js";
import { type RelinkUserError, relinkError } from "./user-error.js";

/** The input, validated and in Stripe's terms. */
export interface ValidRelinkInput {
  target: { kind: "account"; id: string } | { kind: "authorization"; id: string };
  permissions: string[];
  accountSubcategories: string[] | undefined;
  returnUrl: string | undefined;
  idempotencyKey: string | undefined;
}

const SUBCATEGORIES = new Set(["CHECKING", "CREDIT_CARD", "LINE_OF_CREDIT", "MORTGAGE", "SAVINGS"]);
const PERMISSIONS = new Set(["BALANCES", "OWNERSHIP", "PAYMENT_METHOD", "TRANSACTIONS"]);
const LOCAL_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

const isAllowedReturnUrl = (value: string): boolean => {
  try {
    const url = new URL(value);
    return url.protocol === "https:" || (url.protocol === "http:" && LOCAL_HOSTS.has(url.hostname));
  } catch {
    return false;
  }
};

const sortedUnique = (values: readonly string[]) => [...new Set(values)].sort();

/**
 * Checks createRelinkSession's input without calling Stripe. Returns every problem at once, or
 * the input normalized for Stripe (lowercase enums, sorted and deduplicated lists).
 */
export function validateRelinkInput(
  input: CreateRelinkSessionInput,
): { ok: true; value: ValidRelinkInput } | { ok: false; errors: RelinkUserError[] } {
  const errors: RelinkUserError[] = [];
  const accountId = input.accountId ?? undefined;
  const authorizationId = input.authorizationId ?? undefined;
  if ((accountId === undefined) === (authorizationId === undefined)) {
    errors.push(
      relinkError(
        "INVALID_TARGET",
        accountId === undefined ? "accountId" : "authorizationId",
        "Name exactly one of accountId or authorizationId.",
      ),
    );
  }
  if (
    input.permissions.length === 0 ||
    input.permissions.some((value) => !PERMISSIONS.has(value))
  ) {
    errors.push(
      relinkError(
        "INVALID_PERMISSIONS",
        "permissions",
        "Ask for at least one of BALANCES, OWNERSHIP, PAYMENT_METHOD, TRANSACTIONS.",
      ),
    );
  }
  const subcategories = input.accountSubcategories ?? undefined;
  if (subcategories?.some((value) => !SUBCATEGORIES.has(value))) {
    errors.push(
      relinkError(
        "INVALID_SUBCATEGORIES",
        "accountSubcategories",
        "Filter on CHECKING, CREDIT_CARD, LINE_OF_CREDIT, MORTGAGE or SAVINGS only.",
      ),
    );
  }
  const returnUrl = input.returnUrl ?? undefined;
  if (returnUrl !== undefined && !isAllowedReturnUrl(returnUrl)) {
    errors.push(
      relinkError(
        "INVALID_RETURN_URL",
        "returnUrl",
        "The return URL must be an absolute https URL.",
      ),
    );
  }
  const idempotencyKey = input.idempotencyKey ?? undefined;
  if (
    idempotencyKey !== undefined &&
    (idempotencyKey.trim() === "" || idempotencyKey.length > 255)
  ) {
    errors.push(
      relinkError(
        "INVALID_IDEMPOTENCY_KEY",
        "idempotencyKey",
        "The idempotency key must have 1 to 255 characters.",
      ),
    );
  }
  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    value: {
      target:
        accountId !== undefined
          ? { kind: "account", id: accountId }
          : { kind: "authorization", id: authorizationId as string },
      permissions: sortedUnique(input.permissions.map((value) => value.toLowerCase())),
      accountSubcategories:
        subcategories === undefined
          ? undefined
          : sortedUnique(subcategories.map((value) => value.toLowerCase())),
      returnUrl,
      idempotencyKey,
    },
  };
}
