import { createHash } from "node:crypto";
import type { DocumentNode, Token } from "graphql";
import { LRUCache } from "lru-cache";

/** Most bytes (as `retainedBytes` estimates them) the cached documents hold together. */
export const DOCUMENT_CACHE_MAX_BYTES = 32 * 1024 * 1024;
/** Most documents cached at once. */
export const DOCUMENT_CACHE_MAX_ENTRIES = 5_000;
/** A document whose text is longer than this (characters) is never cached: no real one is. */
export const MAX_CACHED_TEXT_LENGTH = 32 * 1024;
/** A document estimated to hold more than this is never cached. */
export const MAX_CACHED_DOCUMENT_BYTES = 1024 * 1024;

/**
 * Heap bytes a parsed document holds, at most (measured with graphql 16: a token's AST node,
 * locations and lexer token take 90 to 550 bytes; the text is kept whole by its `loc.source`).
 */
const BYTES_PER_TOKEN = 600;
const BYTES_PER_CHARACTER = 2;
const BYTES_PER_DOCUMENT = 2_048;

/**
 * What a parsed document keeps alive, estimated from above: its source text and every lexical
 * token the lexer linked into its locations, comments included (which the token limit does not
 * count). Walks the token chain once.
 */
export function retainedBytes(document: DocumentNode): number {
  const loc = document.loc;
  if (loc === undefined) return BYTES_PER_DOCUMENT;
  let tokens = 0;
  for (let token: Token | null = loc.startToken; token !== null; token = token.next) tokens += 1;
  return (
    BYTES_PER_DOCUMENT + loc.source.body.length * BYTES_PER_CHARACTER + tokens * BYTES_PER_TOKEN
  );
}

/** The key a text is cached under: Apollo's query hash (sha256, hex). */
const hashOf = (text: string) => createHash("sha256").update(text).digest("hex");
/** Bytes of text whose hash `holds` remembers (the texts of recent requests, most recent kept). */
const REMEMBERED_TEXT_BYTES = 4 * 1024 * 1024;
/** Apollo prefixes its keys with the schema's hash and `:`: the query hash is what follows. */
const queryHashOfKey = (key: string) => key.slice(key.lastIndexOf(":") + 1);

/**
 * A key-value store of parsed documents, the shape of Apollo Server's `documentStore` option
 * (its `KeyValueCache<DocumentNode>`), declared here so the pipeline imports no transport.
 */
export interface DocumentKeyValueStore {
  get(key: string): Promise<DocumentNode | undefined>;
  set(key: string, document: DocumentNode): Promise<void>;
  delete(key: string): Promise<boolean>;
}

/** The parsed, validated documents of operations that ran, bounded in bytes and entries. */
export interface DocumentCache {
  /** Apollo's `documentStore`: `get` answers from the cache, `set` only proposes (see `admitted`). */
  readonly store: DocumentKeyValueStore;
  /** True when the document of this text is cached: it parsed, validated and ran before. */
  holds(text: string): boolean;
  /**
   * The cached document of this text (it parsed, validated and ran before), shared by every
   * operation that sends the text: the transports that parse themselves (graphql-ws, SSE,
   * multipart) skip parsing and validation with it, as Apollo does on HTTP, and each open
   * subscription holds the one document instead of a copy. Undefined when not cached.
   */
  lookup(text: string): DocumentNode | undefined;
  /**
   * Proposes the document a transport parsed and validated itself from `text` (what Apollo's
   * `store.set` does on HTTP): cached by `admitted` if its operation is admitted and the text and
   * document are worth caching, else never.
   */
  propose(text: string, document: DocumentNode): void;
  /**
   * `document`'s operation was admitted (it runs): the document Apollo proposed for it is cached,
   * if worth caching. A document never admitted (its request refused: over budget, over the cost
   * limit, bad variables) is never cached, and is garbage once its request ends.
   */
  admitted(document: DocumentNode): void;
  /** What the cache holds: entries and estimated bytes (tests, metrics). */
  size(): { entries: number; bytes: number };
}

/**
 * The gateway's document cache, in place of Apollo's default store (which counts a document's
 * size as its JSON without locations, so a short query with a long comment counts as a few
 * hundred bytes while it keeps its whole text, and distinct texts fill the heap). Bounded by
 * DOCUMENT_CACHE_MAX_BYTES of `retainedBytes` and DOCUMENT_CACHE_MAX_ENTRIES, least recently used
 * first out; a text over MAX_CACHED_TEXT_LENGTH or a document over MAX_CACHED_DOCUMENT_BYTES is
 * not cached at all. Apollo proposes each document it parsed and validated (`set`) before the
 * operation is admitted: the proposal is held only by the document itself (a WeakMap), and only
 * `admitted` caches it.
 */
export function createDocumentCache(
  limits: { maxBytes?: number; maxEntries?: number } = {},
): DocumentCache {
  const documents = new LRUCache<string, DocumentNode>({
    max: limits.maxEntries ?? DOCUMENT_CACHE_MAX_ENTRIES,
    maxSize: limits.maxBytes ?? DOCUMENT_CACHE_MAX_BYTES,
  });
  const proposed = new WeakMap<DocumentNode, { hash: string; bytes: number }>();
  const hashes = new LRUCache<string, string>({
    maxSize: REMEMBERED_TEXT_BYTES,
    sizeCalculation: (_hash, text) => text.length * BYTES_PER_CHARACTER + 64,
  });
  /** The hash of a text worth caching; a text seen before is not hashed again. */
  const hashOfText = (text: string) => {
    let hash = hashes.get(text);
    if (hash === undefined) {
      hash = hashOf(text);
      hashes.set(text, hash);
    }
    return hash;
  };
  /** Records `document` as proposed under `hash` when it is worth caching. */
  const proposeUnder = (hash: string, document: DocumentNode) => {
    const text = document.loc?.source.body;
    if (text === undefined || text.length > MAX_CACHED_TEXT_LENGTH) return;
    const bytes = retainedBytes(document);
    if (bytes > MAX_CACHED_DOCUMENT_BYTES) return;
    proposed.set(document, { hash, bytes });
  };
  const store: DocumentKeyValueStore = {
    get: async (key) => documents.get(queryHashOfKey(key)),
    set: async (key, document) => proposeUnder(queryHashOfKey(key), document),
    delete: async (key) => documents.delete(queryHashOfKey(key)),
  };
  return {
    store,
    holds: (text) => text.length <= MAX_CACHED_TEXT_LENGTH && documents.has(hashOfText(text)),
    lookup: (text) =>
      text.length <= MAX_CACHED_TEXT_LENGTH ? documents.get(hashOfText(text)) : undefined,
    propose: (text, document) => {
      if (text.length > MAX_CACHED_TEXT_LENGTH || document.loc?.source.body !== text) return;
      proposeUnder(hashOfText(text), document);
    },
    admitted: (document) => {
      const proposal = proposed.get(document);
      if (proposal === undefined) return;
      proposed.delete(document);
      documents.set(proposal.hash, document, { size: proposal.bytes });
    },
    size: () => ({ entries: documents.size, bytes: documents.calculatedSize }),
  };
}
