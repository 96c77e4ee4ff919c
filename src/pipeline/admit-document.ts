import { type DocumentNode, type GraphQLSchema, specifiedRules, validate } from "graphql";
import { codedError, recoded } from "../errors/coded-error.js";
import {
  type AnalysisPolicy,
  analyseDocument,
  chargeRefusal,
  type DocumentRefusal,
  refusalOfSpentBudget,
} from "./analyse-document.js";
import type { DocumentCache } from "./document-cache.js";
import type { OperationTrace } from "./operation-trace.js";

/** A document that parsed and validated, or why it did not (with the status to answer). */
export type DocumentAdmission = { document: DocumentNode } | DocumentRefusal;

/**
 * Stage 2a, the document: `analyseDocument` (a spent budget refused before parsing; parsed
 * under the rules' parser options, the token limit; its validation work bounded), then
 * validated with the spec's rules and the rules' own (query limits, introspection), exactly as
 * Apollo does it on HTTP with the same DocumentRules; errors are GRAPHQL_PARSE_FAILED,
 * DOCUMENT_TOO_COMPLEX or GRAPHQL_VALIDATION_FAILED (400) with graphql-js's (or GraphQL Armor's)
 * messages, or RATE_LIMITED (429), and are written into `trace`. A document refused after it was
 * parsed is charged like one that ran (`chargeRefusal`). A transport whose server parses and
 * validates itself (Apollo) runs `analyseDocument` alone before it.
 *
 * With `documents`, a text whose document is cached (it parsed, validated and ran before, on
 * any transport) is neither parsed nor validated again, as on Apollo's HTTP path: the operation
 * gets the cached document (no analysis cost, like a cached document on HTTP) once a spent budget
 * has been refused; a document this stage validates is proposed to the cache, which keeps it once
 * its operation is admitted.
 */
export async function admitDocument(
  trace: OperationTrace,
  schema: GraphQLSchema,
  policy: AnalysisPolicy,
  query: unknown,
  documents?: DocumentCache,
): Promise<DocumentAdmission> {
  if (typeof query !== "string") {
    const error = codedError("BAD_REQUEST", "The operation has no query.");
    trace.errors.push(error);
    return { errors: [error], status: 400 };
  }
  const cached = documents?.lookup(query);
  if (cached !== undefined) {
    const spent = refusalOfSpentBudget(trace, policy);
    return spent === undefined ? { document: cached } : spent;
  }
  const analysed = await analyseDocument(trace, policy, query);
  if (!("document" in analysed)) return analysed;
  const { document } = analysed;
  const invalid = validate(schema, document, [...specifiedRules, ...policy.rules.validationRules]);
  if (invalid.length > 0) {
    const errors = invalid.map((error) => recoded(error, "GRAPHQL_VALIDATION_FAILED"));
    trace.errors.push(...errors);
    await chargeRefusal(trace, policy);
    return { errors, status: 400 };
  }
  documents?.propose(query, document);
  return { document };
}
