/** A JSON value, as the sandbox sends and receives it. */
export type Json = null | boolean | number | string | Json[] | JsonObject;

/** A JSON object: a rendered Stripe object, an event, a control-API answer. */
export interface JsonObject {
  [key: string]: Json;
}

/** True for a plain JSON object (not an array, not null). */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
