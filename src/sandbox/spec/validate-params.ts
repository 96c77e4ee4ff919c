import {
  invalidInteger,
  invalidParam,
  parameterMissing,
  parameterUnknown,
  type StripeError,
} from "../http/errors.js";
import { isJsonObject } from "../state/json.js";
import { resolveSchema, type SchemaNode } from "./openapi.js";

/** Parameters after validation: integers are numbers, arrays are arrays, empty strings dropped. */
export type Params = Record<string, unknown>;

/**
 * Checks request parameters (already parsed from bracket syntax) against an operation's schema
 * and returns them coerced. Throws a StripeError like Stripe's: `parameter_unknown` for a name the
 * endpoint does not take (nested ones as `a[b]`), `parameter_missing`, `parameter_invalid_integer`,
 * or an invalid-value error naming the parameter (bad enum value, wrong shape, too long).
 * An empty string means "not sent", as in Stripe's form encoding.
 */
export function validateParams(schema: SchemaNode, input: Params): Params {
  const result = checkObject(resolveSchema(schema), input, "");
  return isJsonObject(result) ? result : {};
}

function nameOf(parent: string, key: string | number): string {
  return parent ? `${parent}[${key}]` : String(key);
}

function checkValue(node: SchemaNode, value: unknown, param: string): unknown {
  const schema = resolveSchema(node);
  if (schema.anyOf) return checkAnyOf(schema.anyOf, value, param);
  switch (schema.type) {
    case "object":
      if (!isRecord(value)) throw invalidParam(param, `Invalid object: ${param} must be a hash.`);
      return checkObject(schema, value, param);
    case "array":
      return checkArray(schema, value, param);
    case "integer":
      return checkInteger(value, param);
    case "number":
      if (typeof value === "string" && value.trim() !== "" && Number.isFinite(Number(value)))
        return Number(value);
      if (typeof value === "number") return value;
      throw invalidParam(param, `Invalid decimal: ${String(value)}`, "parameter_invalid_decimal");
    case "boolean":
      if (value === true || value === "true") return true;
      if (value === false || value === "false") return false;
      throw invalidParam(param, `Invalid boolean: ${String(value)}`);
    default:
      return checkString(schema, value, param);
  }
}

function checkAnyOf(options: SchemaNode[], value: unknown, param: string): unknown {
  let fallback: StripeError | undefined;
  for (const option of options) {
    try {
      return checkValue(option, value, param);
    } catch (error) {
      const resolved = resolveSchema(option);
      // Report the error of the branch whose shape matches what was sent (an object for a hash).
      const shapeMatches = (resolved.type === "object") === isRecord(value);
      if (!fallback || shapeMatches) fallback = error as StripeError;
    }
  }
  throw fallback ?? invalidParam(param, `Invalid value for ${param}.`);
}

function checkObject(schema: SchemaNode, value: Record<string, unknown>, param: string): Params {
  const properties = schema.properties ?? {};
  const open =
    schema.additionalProperties === true || typeof schema.additionalProperties === "object";
  for (const key of Object.keys(value)) {
    if (!(key in properties) && !open) throw parameterUnknown(nameOf(param, key));
  }
  const present = (key: string) =>
    value[key] !== undefined && (value[key] !== "" || acceptsEmptyString(properties[key]));
  for (const key of schema.required ?? []) {
    if (!present(key)) throw parameterMissing(nameOf(param, key));
  }
  const result: Params = {};
  for (const [key, raw] of Object.entries(value)) {
    if (raw === undefined || raw === "") {
      if (acceptsEmptyString(properties[key])) result[key] = "";
      continue;
    }
    const property = properties[key];
    result[key] = property ? checkValue(property, raw, nameOf(param, key)) : raw;
  }
  return result;
}

function checkArray(schema: SchemaNode, value: unknown, param: string): unknown[] {
  const list = toArray(value);
  if (!list) throw invalidParam(param, `Invalid array: ${param} must be an array.`);
  const items = schema.items;
  return list.map((item, index) => (items ? checkValue(items, item, nameOf(param, index)) : item));
}

function checkInteger(value: unknown, param: string): number {
  if (typeof value === "number" && Number.isInteger(value)) return value;
  if (typeof value === "string" && /^-?\d{1,15}$/.test(value.trim())) return Number(value.trim());
  throw invalidInteger(param, typeof value === "string" ? value : JSON.stringify(value));
}

function checkString(schema: SchemaNode, value: unknown, param: string): string {
  if (typeof value !== "string") {
    throw invalidParam(
      param,
      `Invalid string: ${param} must be a string, not a ${Array.isArray(value) ? "list" : "hash"}.`,
    );
  }
  if (schema.enum && !schema.enum.includes(value)) {
    const choices = schema.enum.filter((choice) => choice !== "").map(String);
    throw invalidParam(param, `Invalid ${param}: must be one of ${joinChoices(choices)}`);
  }
  if (schema.maxLength !== undefined && value.length > schema.maxLength) {
    throw invalidParam(
      param,
      `Invalid string: ${param} must be at most ${schema.maxLength} characters.`,
    );
  }
  return value;
}

function joinChoices(choices: string[]): string {
  if (choices.length <= 1) return choices.join("");
  return `${choices.slice(0, -1).join(", ")}, or ${choices[choices.length - 1]}`;
}

function acceptsEmptyString(node: SchemaNode | undefined): boolean {
  if (!node) return false;
  const schema = resolveSchema(node);
  return (schema.anyOf ?? [schema]).some(
    (option) => resolveSchema(option).enum?.includes("") ?? false,
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Arrays from bracket syntax: `a[]=x` and `a[0]=x` parse to arrays, large indices to an object. */
function toArray(value: unknown): unknown[] | undefined {
  if (Array.isArray(value)) return value;
  if (isRecord(value)) {
    const keys = Object.keys(value);
    if (keys.every((key) => /^\d+$/.test(key))) {
      return keys.sort((a, b) => Number(a) - Number(b)).map((key) => value[key]);
    }
  }
  return undefined;
}
