/**
 * Issue 20, HIGH 2: the document cache keeps only documents of admitted operations, none worth
 * not caching, within its bounds in bytes and entries. (The heap over a flood through the
 * gateway is test/limits/document-cache-memory.test.ts.)
 */
import { createHash } from "node:crypto";
import { parse } from "graphql";
import { describe, expect, it } from "vitest";
import {
  createDocumentCache,
  MAX_CACHED_TEXT_LENGTH,
  retainedBytes,
} from "../../src/pipeline/document-cache.js";

/** Apollo's key: the schema's hash, `:`, the query's sha256. */
const keyOf = (text: string) => `schema-hash:${createHash("sha256").update(text).digest("hex")}`;

/** What Apollo does with a text it parsed and validated: proposes its document to the store. */
async function proposed(cache: ReturnType<typeof createDocumentCache>, text: string) {
  const document = parse(text);
  await cache.store.set(keyOf(text), document);
  return document;
}

describe("the document cache", () => {
  it("caches a document only once its operation is admitted", async () => {
    const cache = createDocumentCache();
    const text = "{ __typename }";
    const document = await proposed(cache, text);
    expect(cache.holds(text)).toBe(false);
    expect(await cache.store.get(keyOf(text))).toBeUndefined();
    cache.admitted(document);
    expect(cache.holds(text)).toBe(true);
    expect(await cache.store.get(keyOf(text))).toBe(document);
  });

  it("never caches a text over MAX_CACHED_TEXT_LENGTH, admitted or not", async () => {
    const cache = createDocumentCache();
    const text = `{ __typename } # ${"x".repeat(MAX_CACHED_TEXT_LENGTH)}`;
    cache.admitted(await proposed(cache, text));
    expect(cache.holds(text)).toBe(false);
    expect(cache.size().entries).toBe(0);
  });

  it("counts a document's text and tokens, comments included, and stays within its bytes", async () => {
    const short = parse("{ __typename }");
    const commented = parse(`{ __typename }\n${"#\n".repeat(1_000)}`);
    expect(retainedBytes(commented) - retainedBytes(short)).toBeGreaterThan(1_000 * 600);
    const maxBytes = 10 * retainedBytes(parse("{ __typename } # 00"));
    const cache = createDocumentCache({ maxBytes });
    for (let index = 0; index < 100; index++) {
      cache.admitted(await proposed(cache, `{ __typename } # ${String(index).padStart(2, "0")}`));
    }
    expect(cache.size().bytes).toBeLessThanOrEqual(maxBytes);
    expect(cache.size().entries).toBe(10);
    // The least recently used went first.
    expect(cache.holds("{ __typename } # 99")).toBe(true);
    expect(cache.holds("{ __typename } # 00")).toBe(false);
  });

  it("caches a document a transport parsed itself only once admitted, and only under its own text", () => {
    const cache = createDocumentCache();
    const text = "{ accounts { nodes { id } } }";
    const document = parse(text);
    cache.propose("{ __typename }", document);
    cache.admitted(document);
    expect(cache.lookup("{ __typename }")).toBeUndefined();
    cache.propose(text, document);
    expect(cache.lookup(text)).toBeUndefined();
    cache.admitted(document);
    expect(cache.lookup(text)).toBe(document);
    expect(cache.holds(text)).toBe(true);
  });
});
