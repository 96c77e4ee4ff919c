import type { Attributes, AttributeValue, SpanStatus } from "@opentelemetry/api";
import type { ReadableSpan, Span, SpanProcessor } from "@opentelemetry/sdk-trace-base";
import { secretScrubber } from "./scrub-secrets.js";

/**
 * URL attributes the http instrumentation records: their query string (a GET /graphql's
 * `variables`, a Stripe list's parameters) is cut off.
 */
const URL_ATTRIBUTES = ["http.url", "http.target", "url.full", "url.original"];
/**
 * Attributes dropped outright: the query string itself, and error messages and stacks (the
 * graphql instrumentation records a resolver's error, whose message may quote the client's
 * input, such as an id passed in a variable); `exception.type` stays.
 */
const DROPPED_ATTRIBUTES = ["url.query", "exception.message", "exception.stacktrace"];

const withoutQuery = (value: string) => value.split("?", 1)[0] ?? "";

/**
 * The last net under every span before it is exported (the gateway's own spans record no
 * secret, but instrumentations record URLs, messages and statements): on each span's end, every
 * URL attribute loses its query string, `url.query`, error messages and stacks (attributes and
 * the status message) are dropped, and every string attribute, of the span and of its events, is
 * passed through the log scrubber (`secretScrubber`: the
 * configured secrets, and anything shaped like a Stripe key, webhook secret, client secret,
 * bearer credential or JWT, becomes `[redacted]`).
 */
export function redactingSpanProcessor(knownSecrets: readonly string[]): SpanProcessor {
  const scrub = secretScrubber(knownSecrets);
  const clean = (value: AttributeValue | undefined): AttributeValue | undefined => {
    if (typeof value === "string") return scrub(value);
    if (Array.isArray(value)) {
      return value.map((item) => (typeof item === "string" ? scrub(item) : item)) as AttributeValue;
    }
    return value;
  };
  const cleanAll = (attributes: Attributes) => {
    for (const key of DROPPED_ATTRIBUTES) delete attributes[key];
    for (const key of Object.keys(attributes)) {
      const value = attributes[key];
      attributes[key] =
        URL_ATTRIBUTES.includes(key) && typeof value === "string"
          ? clean(withoutQuery(value))
          : clean(value);
    }
  };
  return {
    onStart: () => {},
    // Called while the span can still be changed; its attributes object is the one exported.
    onEnding: (span: Span) => {
      const readable = span as unknown as ReadableSpan & { status: SpanStatus };
      cleanAll(readable.attributes as Attributes);
      if (readable.status.message !== undefined) readable.status = { code: readable.status.code };
      for (const event of readable.events) {
        if (event.attributes !== undefined) cleanAll(event.attributes as Attributes);
      }
    },
    onEnd: () => {},
    forceFlush: async () => {},
    shutdown: async () => {},
  };
}
