import qs from "qs";

/** Generous enough for `expand[]`/`features[]` lists, small enough to refuse abuse. */
const PARSE_OPTIONS: qs.IParseOptions = {
  arrayLimit: 200,
  depth: 5,
  parameterLimit: 1_000,
  allowDots: false,
};

/**
 * Parses a query string or an `application/x-www-form-urlencoded` body with Stripe's bracket
 * syntax (`account_holder[customer]=cus_1`, `features[]=balance`, `expand[0]=institution`) into
 * nested objects and arrays. Never throws: malformed pieces are dropped as qs does.
 */
export function parseForm(text: string): Record<string, unknown> {
  if (!text) return {};
  return qs.parse(text, PARSE_OPTIONS) as Record<string, unknown>;
}

/**
 * The request parameters of a `/v1` call: the query string merged with a form body (Stripe reads
 * both; the body wins on conflicts). A JSON body is accepted too, for hand-written clients.
 */
export function requestParams(
  query: string,
  body: string,
  contentType: string | undefined,
): Record<string, unknown> {
  const fromQuery = parseForm(query);
  if (!body) return fromQuery;
  if (contentType?.includes("application/json")) {
    try {
      const parsed: unknown = JSON.parse(body);
      if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)) {
        return { ...fromQuery, ...(parsed as Record<string, unknown>) };
      }
    } catch {
      // Falls through to form parsing, which is what Stripe assumes.
    }
  }
  return { ...fromQuery, ...parseForm(body) };
}

/** A stable text form of parameters (keys sorted), to compare requests for idempotency. */
export function fingerprint(params: unknown): string {
  return JSON.stringify(params, (_key, value: unknown) => {
    if (typeof value === "object" && value !== null && !Array.isArray(value)) {
      const sorted: Record<string, unknown> = {};
      for (const key of Object.keys(value).sort())
        sorted[key] = (value as Record<string, unknown>)[key];
      return sorted;
    }
    return value;
  });
}
