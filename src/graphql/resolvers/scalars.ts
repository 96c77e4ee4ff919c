import { GraphQLScalarType, Kind } from "graphql";
import { codedError } from "../../errors/coded-error.js";

/** Epoch seconds (Stripe) to a Date. */
export const fromEpoch = (seconds: number): Date => new Date(seconds * 1000);

/** Epoch seconds or null to a Date or null. */
export const fromEpochOrNull = (seconds: number | null | undefined): Date | null =>
  seconds === null || seconds === undefined ? null : fromEpoch(seconds);

const toDate = (value: unknown): Date => {
  const date = value instanceof Date ? value : typeof value === "string" ? new Date(value) : null;
  if (date === null || Number.isNaN(date.getTime())) {
    throw codedError("BAD_USER_INPUT", "DateTime must be an ISO-8601 string.");
  }
  return date;
};

/** ISO-8601 UTC instants; accepts ISO strings as input. */
export const DateTime = new GraphQLScalarType<Date, string>({
  name: "DateTime",
  // graphql-tools copies this scalar over the SDL's, description included: keep them equal
  // (test/playground/introspection.test.ts fails if they drift).
  description:
    "An instant in time, as an ISO-8601 string in UTC (for example `2026-03-04T12:00:00.000Z`).\nStripe's epoch seconds are converted for you.",
  serialize: (value) => toDate(value).toISOString(),
  parseValue: toDate,
  parseLiteral: (ast) => {
    if (ast.kind !== Kind.STRING) throw codedError("BAD_USER_INPUT", "DateTime must be a string.");
    return toDate(ast.value);
  },
});

const INTEGER = /^-?\d+$/;
const toMinorUnits = (value: unknown): string => {
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "number" && Number.isSafeInteger(value)) return String(value);
  if (typeof value === "string" && INTEGER.test(value)) return value;
  throw codedError("BAD_USER_INPUT", "MinorUnits must be an integer string.");
};

/** Exact integer amounts in minor units, as strings. */
export const MinorUnits = new GraphQLScalarType<string, string>({
  name: "MinorUnits",
  description:
    "A whole number of a currency's minor units (cents for `usd`), serialized as a string so that\namounts beyond a 32-bit integer stay exact. Negative values are debts or outflows.",
  serialize: toMinorUnits,
  parseValue: toMinorUnits,
  parseLiteral: (ast) => {
    if (ast.kind !== Kind.STRING && ast.kind !== Kind.INT) {
      throw codedError("BAD_USER_INPUT", "MinorUnits must be an integer string.");
    }
    return toMinorUnits(ast.value);
  },
});
