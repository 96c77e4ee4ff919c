import type { GraphQLError } from "graphql";
import { codedError } from "../errors/coded-error.js";
import type { ErrorCode } from "../errors/error-codes.js";
import type { OperationRequest, OperationTrace } from "./operation-trace.js";

/** Which documents may run (config/trusted-documents.ts): the manifest's, and text ones only if allowed. */
export interface TrustedDocumentPolicy {
  /** Document text by its sha256 (lowercase hex). */
  documents: ReadonlyMap<string, string>;
  /** Documents sent as text run too; false: only the manifest's run. */
  allowAdHoc: boolean;
}

/**
 * The document an operation runs: `query` is the text to parse (the manifest's when the request
 * named a trusted document, whose id is `documentId`; else the request's own `query`, untouched),
 * or why it may not run.
 */
export type DocumentResolution =
  | { admitted: true; query: unknown; documentId: string | null }
  | { admitted: false; error: GraphQLError; status: 400 | 403 };

/** The GraphQL-over-HTTP persisted documents prefix of a sha256 document id (`sha256:<hex>`). */
const SHA256_PREFIX = "sha256:";

/**
 * The document id a request names, if any: the client preset's (and the GraphQL-over-HTTP
 * persisted documents appendix's) `documentId`, bare hex or `sha256:`-prefixed, else Apollo's
 * `extensions.persistedQuery.sha256Hash` (version 1).
 */
export function documentIdOf(request: OperationRequest): string | undefined {
  const { documentId, extensions } = request;
  if (typeof documentId === "string" && documentId !== "") {
    return documentId.startsWith(SHA256_PREFIX)
      ? documentId.slice(SHA256_PREFIX.length)
      : documentId;
  }
  if (typeof extensions !== "object" || extensions === null) return undefined;
  const persisted = (extensions as { persistedQuery?: unknown }).persistedQuery;
  if (typeof persisted !== "object" || persisted === null) return undefined;
  const { version, sha256Hash } = persisted as { version?: unknown; sha256Hash?: unknown };
  return version === 1 && typeof sha256Hash === "string" && sha256Hash !== ""
    ? sha256Hash
    : undefined;
}

/** The request carries document text (graphql-ws requires `query`: an empty one carries none). */
const sendsText = (request: OperationRequest) =>
  request.query !== undefined && request.query !== null && request.query !== "";

/**
 * Stage 0, which document runs, before anything parses: without a policy (TRUSTED_DOCUMENTS
 * unset) the request's own `query`, untouched. With one, a request naming a document id runs
 * the manifest's text for it (an unknown id: PERSISTED_QUERY_NOT_FOUND, 400); a document sent
 * as text is refused TRUSTED_DOCUMENT_REQUIRED (403), so is a request with neither, unless the
 * policy allows ad-hoc documents (then text runs as usual, and text sent beside an id must be
 * that id's document: BAD_REQUEST otherwise). A refusal is written into `trace`. The text is
 * never looked at beyond its presence: an ad-hoc document is refused as such, not parsed.
 */
export function resolveTrustedDocument(
  trace: OperationTrace,
  policy: TrustedDocumentPolicy | undefined,
  request: OperationRequest,
): DocumentResolution {
  if (policy === undefined) return { admitted: true, query: request.query, documentId: null };
  const refuse = (code: ErrorCode, message: string, status: 400 | 403): DocumentResolution => {
    const error = codedError(code, message);
    trace.errors.push(error);
    return { admitted: false, error, status };
  };
  const text = sendsText(request);
  const documentId = documentIdOf(request);
  if (!policy.allowAdHoc && (text || documentId === undefined)) {
    return refuse(
      "TRUSTED_DOCUMENT_REQUIRED",
      "Only trusted documents run here: send a known document's id (`documentId`, or `extensions.persistedQuery.sha256Hash`), not its text.",
      403,
    );
  }
  if (documentId === undefined) return { admitted: true, query: request.query, documentId: null };
  const trusted = policy.documents.get(documentId);
  if (trusted === undefined) {
    return refuse("PERSISTED_QUERY_NOT_FOUND", "No trusted document has this id.", 400);
  }
  if (text && request.query !== trusted) {
    return refuse("BAD_REQUEST", "The document sent is not the one its id names.", 400);
  }
  return { admitted: true, query: trusted, documentId };
}
