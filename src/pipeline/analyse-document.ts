import { type DocumentNode, GraphQLError, parse } from "graphql";
import { codedError, recoded } from "../errors/coded-error.js";
import type { CostAdmission } from "../limits/cost-admission.js";
import { analysisCost, validationWork } from "../limits/validation-work.js";
import type { DocumentRules } from "./document-rules.js";
import type { OperationTrace } from "./operation-trace.js";
import type { RefusedDocuments } from "./refused-documents.js";

/** What the analysis stage needs: the parser options, the work bound, who is charged. */
export interface AnalysisPolicy {
  rules: DocumentRules;
  /** GRAPHQL_MAX_VALIDATION_WORK: a document over it is refused before validation. */
  maxValidationWork: number;
  /** Charges the analysis, and knows whose budget is spent; without it nothing is charged. */
  costAdmission?: CostAdmission;
  /** The refusals this stage made, by text, for these rules; without it nothing is remembered. */
  refusedDocuments?: RefusedDocuments;
  /** Told of each text this stage parsed, or refused from memory without parsing (metrics). */
  noteAnalysis?: (outcome: "parsed" | "refusal_recalled") => void;
}

/** A refusal of a document: its errors, the HTTP-style status, `Retry-After` seconds when 429. */
export interface DocumentRefusal {
  errors: GraphQLError[];
  status: number;
  retryAfterSeconds?: number;
}

/** A document that parsed and is worth validating, or why not. */
export type DocumentAnalysis = { document: DocumentNode } | DocumentRefusal;

/**
 * Charges the trace's customer for a document refused after it was parsed: its analysis cost,
 * at least one point, like an operation that ran (`CostAdmission.chargeRefusal`: what is left
 * when that is less). An operation refused only because the budget cannot cover it (429) is
 * charged its analysis cost alone (0 for most documents), as before: a refusal over budget
 * spends nothing else. Anonymous operations (development introspection) are charged to no one.
 */
export async function chargeRefusal(
  trace: OperationTrace,
  policy: AnalysisPolicy,
  overBudget = false,
): Promise<void> {
  const customerId = trace.viewer?.customerId;
  if (customerId === undefined || policy.costAdmission === undefined) return;
  const points = overBudget ? trace.analysisCost : Math.max(1, trace.analysisCost);
  await policy.costAdmission.chargeRefusal(customerId, points);
}

/**
 * The refusal (RATE_LIMITED or the budget's own code, its status and `Retry-After`) of a customer
 * whose budget is known to be spent, written into `trace`; undefined when it is not (or the
 * caller is anonymous). Nothing is charged: a refusal over budget spends nothing.
 */
export function refusalOfSpentBudget(
  trace: OperationTrace,
  policy: AnalysisPolicy,
): DocumentRefusal | undefined {
  const customerId = trace.viewer?.customerId;
  const spent = customerId === undefined ? undefined : policy.costAdmission?.exhausted(customerId);
  if (spent === undefined) return undefined;
  const error = codedError(spent.code, spent.message);
  trace.errors.push(error);
  return { errors: [error], status: spent.httpStatus, retryAfterSeconds: spent.retryAfterSeconds };
}

/**
 * Stage 2a, before validation, on every transport: a customer whose budget is known to be spent
 * is refused (RATE_LIMITED, 429) before anything is parsed; then the text is parsed under the
 * rules' parser options (GRAPHQL_PARSE_FAILED, 400) and its validation work bounded from its
 * shape (`validationWork`): over `maxValidationWork` it is refused with DOCUMENT_TOO_COMPLEX
 * (400) before graphql-js's rules run. The work sets the trace's `analysisCost`; a refused
 * document is charged (`chargeRefusal`). Errors are written into `trace`. A text refused here
 * before (parse failure, too complex) is remembered (`refusedDocuments`) and refused again with
 * the same error and the same charge without being parsed.
 */
export async function analyseDocument(
  trace: OperationTrace,
  policy: AnalysisPolicy,
  query: string,
): Promise<DocumentAnalysis> {
  const refuse = async (
    error: GraphQLError,
    status: number,
    retryAfterSeconds?: number,
  ): Promise<DocumentRefusal> => {
    trace.errors.push(error);
    if (status !== 429) await chargeRefusal(trace, policy);
    return retryAfterSeconds === undefined
      ? { errors: [error], status }
      : { errors: [error], status, retryAfterSeconds };
  };
  const spent = refusalOfSpentBudget(trace, policy);
  if (spent !== undefined) return spent;
  const { refusedDocuments: refused, noteAnalysis } = policy;
  const recalled = refused?.recall(query);
  if (recalled !== undefined) {
    noteAnalysis?.("refusal_recalled");
    trace.analysisCost = recalled.analysisCost;
    return refuse(recalled.error, 400);
  }
  noteAnalysis?.("parsed");
  let document: DocumentNode;
  try {
    document = parse(query, policy.rules.parseOptions);
  } catch (error) {
    if (!(error instanceof GraphQLError))
      return refuse(recoded(new GraphQLError("Syntax error."), "GRAPHQL_PARSE_FAILED"), 400);
    const syntax = recoded(error, "GRAPHQL_PARSE_FAILED");
    refused?.remember(query, syntax, "GRAPHQL_PARSE_FAILED", trace.analysisCost);
    return refuse(syntax, 400);
  }
  const limit = policy.maxValidationWork;
  const work = validationWork(document, limit);
  trace.analysisCost = analysisCost(Math.min(work, limit));
  if (work > limit) {
    const message = `The document needs more validation work than the limit of ${limit}: fewer fields with the same name at one level, or fewer overlapping fragments.`;
    const tooComplex = codedError("DOCUMENT_TOO_COMPLEX", message);
    refused?.remember(query, tooComplex, "DOCUMENT_TOO_COMPLEX", trace.analysisCost);
    return refuse(tooComplex, 400);
  }
  return { document };
}
