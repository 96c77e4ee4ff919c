/**
 * The id of a generated document: the client preset (`persistedDocuments` in codegen.ts) embeds
 * each document's sha256 as `__meta__.hash`, and lists the document under it in
 * `examples/gql/persisted-documents.json`, the manifest a gateway started with
 * `TRUSTED_DOCUMENTS` runs. Send this id instead of the document's text.
 */
export function documentIdOf(document: unknown): string {
  const hash = (document as { __meta__?: { hash?: unknown } }).__meta__?.hash;
  if (typeof hash !== "string") throw new Error("not a persisted document (run npm run codegen)");
  return hash;
}
