import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";

/**
 * The trusted documents (TRUSTED_DOCUMENTS, TRUSTED_DOCUMENTS_ALLOW_ADHOC), see the README's
 * "Trusted documents": the manifest's documents by their sha256 (lowercase hex), and whether a
 * document sent as text may still run beside them.
 */
export interface TrustedDocumentsSettings {
  /** The manifest's absolute path, for the start-up line. */
  path: string;
  /** Document text by its sha256, as the manifest lists them. */
  documents: ReadonlyMap<string, string>;
  /** Documents sent as text run too (development only); false: only the manifest's run. */
  allowAdHoc: boolean;
}

/** A bad setting, named by its environment variable. */
export interface TrustedDocumentsProblem {
  variable: string;
  message: string;
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

/** The sha256 of a document's text, lowercase hex: the id the client preset gives it. */
export const documentHash = (text: string) => createHash("sha256").update(text).digest("hex");

/**
 * Loads the manifest TRUSTED_DOCUMENTS names (graphql-codegen's client preset
 * `persisted-documents.json`: a JSON object of sha256 hex → document text), or returns the
 * problem: the file is missing or unreadable, not such an object, empty, or a key is not the
 * sha256 of its text (a stale or hand-edited manifest). Unset: undefined, nothing is enforced.
 * TRUSTED_DOCUMENTS_ALLOW_ADHOC=true lets documents sent as text run as well, outside
 * production only; without the manifest it is refused (it would mean nothing).
 */
export function resolveTrustedDocuments(env: {
  NODE_ENV: string;
  TRUSTED_DOCUMENTS?: string | undefined;
  TRUSTED_DOCUMENTS_ALLOW_ADHOC?: boolean | undefined;
}): TrustedDocumentsSettings | TrustedDocumentsProblem | undefined {
  const allowAdHoc = env.TRUSTED_DOCUMENTS_ALLOW_ADHOC ?? false;
  if (env.TRUSTED_DOCUMENTS === undefined) {
    if (!allowAdHoc) return undefined;
    return {
      variable: "TRUSTED_DOCUMENTS_ALLOW_ADHOC",
      message: "only means something with TRUSTED_DOCUMENTS (a manifest path)",
    };
  }
  if (allowAdHoc && env.NODE_ENV === "production") {
    return {
      variable: "TRUSTED_DOCUMENTS_ALLOW_ADHOC",
      message: "may not be true in production: with TRUSTED_DOCUMENTS only its documents run there",
    };
  }
  const path = resolve(env.TRUSTED_DOCUMENTS);
  const problem = (message: string) => ({ variable: "TRUSTED_DOCUMENTS", message });
  let raw: string;
  try {
    raw = readFileSync(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "unreadable";
    return problem(`cannot read the manifest ${path} (${code})`);
  }
  let manifest: unknown;
  try {
    manifest = JSON.parse(raw);
  } catch {
    return problem(`the manifest ${path} is not JSON`);
  }
  if (typeof manifest !== "object" || manifest === null || Array.isArray(manifest)) {
    return problem(`the manifest ${path} must be a JSON object of sha256 hash → document text`);
  }
  const documents = new Map<string, string>();
  for (const [hash, text] of Object.entries(manifest)) {
    if (!SHA256_HEX.test(hash) || typeof text !== "string") {
      return problem(
        `the manifest ${path} must map sha256 hashes (64 lowercase hex digits) to document text; "${hash.slice(0, 80)}" does not`,
      );
    }
    if (documentHash(text) !== hash) {
      return problem(
        `in the manifest ${path}, ${hash} is not the sha256 of its document (regenerate it: npm run codegen)`,
      );
    }
    documents.set(hash, text);
  }
  if (documents.size === 0) return problem(`the manifest ${path} lists no documents`);
  return { path, documents, allowAdHoc };
}
