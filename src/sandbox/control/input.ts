import { invalidParam } from "../http/errors.js";
import { isJsonObject, type JsonObject } from "../state/json.js";

/**
 * Readers for control-API JSON bodies. Each returns the value (or the default when absent) and
 * throws a 400 StripeError naming the field otherwise, before anything has changed.
 */
export function asObject(body: unknown): JsonObject {
  if (body === undefined || body === null) return {};
  if (!isJsonObject(body)) throw invalidParam("body", "The request body must be a JSON object.");
  return body;
}

/** A value of `allowed`, or `fallback` when absent. */
export function optionalEnum<T extends string>(
  body: JsonObject,
  name: string,
  allowed: readonly T[],
  fallback: T,
): T {
  const value = body[name];
  if (value === undefined || value === null) return fallback;
  if (typeof value !== "string" || !allowed.includes(value as T)) {
    throw invalidParam(name, `Invalid ${name}: must be one of ${allowed.join(", ")}.`);
  }
  return value as T;
}

/** An integer within [min, max], or `fallback` when absent. */
export function optionalInteger(
  body: JsonObject,
  name: string,
  min: number,
  max: number,
  fallback: number,
): number {
  const value = body[name];
  if (value === undefined || value === null) return fallback;
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    throw invalidParam(name, `Invalid ${name}: must be an integer between ${min} and ${max}.`);
  }
  return value;
}

/** A non-empty string of at most `maxLength` characters, or undefined when absent. */
export function optionalString(
  body: JsonObject,
  name: string,
  maxLength = 200,
): string | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string" || value.length === 0 || value.length > maxLength) {
    throw invalidParam(
      name,
      `Invalid ${name}: must be a non-empty string of at most ${maxLength} characters.`,
    );
  }
  return value;
}

/** A boolean, or `fallback` when absent. */
export function optionalBoolean(body: JsonObject, name: string, fallback: boolean): boolean {
  const value = body[name];
  if (value === undefined || value === null) return fallback;
  if (typeof value !== "boolean")
    throw invalidParam(name, `Invalid ${name}: must be true or false.`);
  return value;
}

/** Refuses fields the call does not take, so typos fail loudly instead of being ignored. */
export function onlyFields(body: JsonObject, allowed: readonly string[]): void {
  for (const key of Object.keys(body)) {
    if (!allowed.includes(key)) {
      throw invalidParam(key, `Received unknown parameter: ${key}`, "parameter_unknown");
    }
  }
}
