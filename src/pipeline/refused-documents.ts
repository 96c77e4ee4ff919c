import { createHash } from "node:crypto";
import { type GraphQLError, Source } from "graphql";
import { LRUCache } from "lru-cache";
import { codedError } from "../errors/coded-error.js";

/** Most refusals remembered at once. */
export const REFUSED_DOCUMENTS_MAX_ENTRIES = 10_000;
/** Most bytes (as `entryBytes` estimates them) the remembered refusals hold together. */
export const REFUSED_DOCUMENTS_MAX_BYTES = 4 * 1024 * 1024;

/** The refusals of the analysis stage that depend on nothing but the text and the rules. */
export type RememberedCode = "GRAPHQL_PARSE_FAILED" | "DOCUMENT_TOO_COMPLEX";

/**
 * What is kept of a refusal: never the text itself, only the error's code, message and offsets
 * in the text (from which its locations are computed again), and the analysis cost charged.
 */
export interface RememberedRefusal {
  code: RememberedCode;
  message: string;
  positions: readonly number[] | undefined;
  analysisCost: number;
}

/** Refusals of the analysis stage, by document text (its sha256), for one set of document rules. */
export interface RefusedDocuments {
  /**
   * The refusal remembered for `text`, rebuilt as a fresh error located in `text` (without a
   * stack: `codedError`); or undefined.
   */
  recall(text: string): { error: GraphQLError; analysisCost: number } | undefined;
  /** Remembers that `text` was refused with `error` (its code, message and positions). */
  remember(text: string, error: GraphQLError, code: RememberedCode, analysisCost: number): void;
  /** What is remembered: entries and estimated bytes (tests). */
  size(): { entries: number; bytes: number };
}

/** Heap bytes one remembered refusal holds, estimated from above (key, message, positions). */
const entryBytes = (refusal: RememberedRefusal) =>
  256 + refusal.message.length * 2 + (refusal.positions?.length ?? 0) * 16;

/**
 * Remembers which document texts the analysis stage refused (unparsable, over the token limit,
 * over the validation-work bound), so the same text sent again is refused with the same error
 * without being lexed or parsed again: a client repeating a refused document costs a hash of its
 * text. Keys are the text's sha256 prefixed with `rulesKey` (the parser options and work bound
 * that decided), and the store belongs to one pipeline, so a refusal never outlives or crosses
 * the rules that made it. Bounded by REFUSED_DOCUMENTS_MAX_ENTRIES and REFUSED_DOCUMENTS_MAX_BYTES
 * (least recently used out); the text is never kept.
 */
export function createRefusedDocuments(
  rulesKey: string,
  limits: { maxEntries?: number; maxBytes?: number } = {},
): RefusedDocuments {
  const refusals = new LRUCache<string, RememberedRefusal>({
    max: limits.maxEntries ?? REFUSED_DOCUMENTS_MAX_ENTRIES,
    maxSize: limits.maxBytes ?? REFUSED_DOCUMENTS_MAX_BYTES,
    sizeCalculation: entryBytes,
  });
  const keyOf = (text: string) => `${rulesKey}:${createHash("sha256").update(text).digest("hex")}`;
  return {
    recall: (text) => {
      const refusal = refusals.get(keyOf(text));
      if (refusal === undefined) return undefined;
      const error = codedError(refusal.code, refusal.message, {
        ...(refusal.positions === undefined
          ? {}
          : { source: new Source(text), positions: refusal.positions }),
      });
      return { error, analysisCost: refusal.analysisCost };
    },
    remember: (text, error, code, analysisCost) => {
      refusals.set(keyOf(text), {
        code,
        message: error.message,
        positions: error.positions,
        analysisCost,
      });
    },
    size: () => ({ entries: refusals.size, bytes: refusals.calculatedSize }),
  };
}
