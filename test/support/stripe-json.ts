/** Reading untyped Stripe JSON (API answers, event payloads) in tests. */

/** Narrows unknown JSON to a plain object. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Reads `value[k1][k2]...`, undefined as soon as a step is not an object. */
export function pick(value: unknown, ...keys: string[]): unknown {
  let current = value;
  for (const key of keys) current = isRecord(current) ? current[key] : undefined;
  return current;
}

/** The `data` array of a Stripe list object; throws when `value` is not one. */
export function listData(value: unknown): unknown[] {
  const data = pick(value, "data");
  if (pick(value, "object") !== "list" || !Array.isArray(data)) {
    throw new Error(`not a Stripe list: ${JSON.stringify(value)?.slice(0, 200)}`);
  }
  return data;
}

/** JSON.parse that yields undefined instead of throwing. */
export function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
