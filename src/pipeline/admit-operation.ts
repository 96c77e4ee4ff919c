import {
  type DocumentNode,
  type GraphQLError,
  type GraphQLSchema,
  getOperationAST,
  Kind,
  type OperationDefinitionNode,
} from "graphql";
import { codedError } from "../errors/coded-error.js";
import type { Admission, CostAdmission, CostReport } from "../limits/cost-admission.js";
import type { OperationTrace, TransportAbilities } from "./operation-trace.js";
import { variableCoercionErrors } from "./variable-coercion.js";

/** A parsed, validated document and what the client sent with it. */
export interface OperationAdmissionRequest {
  document: DocumentNode;
  operationName?: string | null;
  variables?: Record<string, unknown> | null;
  /** Points its document's analysis is charged with the operation (`analysisCost`). */
  analysisCost?: number;
}

/** What admission needs: the schema, cost admission (none: nothing priced), the exposure. */
export interface AdmissionPolicy {
  schema: GraphQLSchema;
  costAdmission?: CostAdmission;
  hideSuggestions: boolean;
}

/**
 * Admission's answer. Admitted: the operation that runs, its cost report (when priced) and, for a
 * subscription whose events read Stripe, what each event delivered is charged (`eventCost`).
 * Refused: the errors to answer with, an HTTP-style status (400, 429), the seconds until the
 * budget refills when rate limited, and the cost report when it was priced.
 */
export type OperationAdmission =
  | { admitted: true; operation: OperationDefinitionNode; cost?: CostReport; eventCost?: number }
  | {
      admitted: false;
      errors: GraphQLError[];
      status: number;
      retryAfterSeconds?: number;
      cost?: CostReport;
    };

/** graphql-js's words (what `execute` says) when no single operation can be picked. */
function unresolvedMessage(document: DocumentNode, operationName: string | null | undefined) {
  if (operationName != null) return `Unknown operation named "${operationName}".`;
  const operations = document.definitions.filter(
    (definition) => definition.kind === Kind.OPERATION_DEFINITION,
  );
  return operations.length > 1
    ? "Must provide operation name if query contains multiple operations."
    : "Must provide an operation.";
}

/**
 * Stage 2b, the operation, in this order, each refusal before any later work: the operation the
 * request names must be in the document (OPERATION_RESOLUTION_FAILURE, 400); a subscription
 * needs a transport that streams (BAD_REQUEST, 400); the variables must coerce
 * (BAD_USER_INPUT, 400; the pipeline charges every refusal like an operation that ran); then cost admission prices it and charges the viewer's
 * budget (GRAPHQL_VALIDATION_FAILED, 400, over the cost limit; RATE_LIMITED, 429, over budget).
 * Writes the operation (once resolved) and a refusal's errors into `trace`. Answered now, not a
 * promise, unless cost admission must wait for its budget's store (`CostAdmission.admit`).
 */
export function admitOperation(
  trace: OperationTrace,
  policy: AdmissionPolicy,
  request: OperationAdmissionRequest,
  transport: TransportAbilities,
): OperationAdmission | Promise<OperationAdmission> {
  const refuse = (
    errors: GraphQLError[],
    status: number,
    extra: { retryAfterSeconds?: number; cost?: CostReport } = {},
  ) => refused(trace, errors, status, extra);
  const { document, operationName, variables } = request;
  const operation = getOperationAST(document, operationName ?? undefined);
  if (!operation) {
    const message = unresolvedMessage(document, operationName);
    return refuse([codedError("OPERATION_RESOLUTION_FAILURE", message)], 400);
  }
  trace.operation = { name: operation.name?.value ?? null, type: operation.operation };
  if (operation.operation === "subscription" && !transport.subscriptions) {
    const message = `Subscriptions are not served over ${transport.name}: use graphql-ws (graphql-transport-ws) on /graphql, graphql-sse on /graphql/stream, or multipart HTTP (Accept: multipart/mixed;subscriptionSpec="1.0") on /graphql.`;
    return refuse([codedError("BAD_REQUEST", message)], 400);
  }
  const badVariables = variableCoercionErrors(
    policy.schema,
    document,
    operationName,
    variables,
    policy.hideSuggestions,
  );
  if (badVariables.length > 0) return refuse(badVariables, 400);
  if (!policy.costAdmission) return { admitted: true, operation };
  const admission = policy.costAdmission.admit({
    document,
    operationName,
    variables,
    viewer: trace.viewer,
    analysisCost: request.analysisCost,
  });
  return admission instanceof Promise
    ? admission.then((admitted) => costAdmitted(trace, operation, admitted))
    : costAdmitted(trace, operation, admission);
}

/** A refusal: its errors written into `trace`. */
function refused(
  trace: OperationTrace,
  errors: GraphQLError[],
  status: number,
  extra: { retryAfterSeconds?: number; cost?: CostReport } = {},
): OperationAdmission {
  trace.errors.push(...errors);
  return { admitted: false, errors, status, ...extra };
}

/** The operation's admission once cost admission answered: admitted, or its rejection. */
function costAdmitted(
  trace: OperationTrace,
  operation: OperationDefinitionNode,
  admission: Admission,
): OperationAdmission {
  const rejection = admission.rejection;
  if (!rejection) {
    const { eventCost } = admission;
    return eventCost === undefined
      ? { admitted: true, operation, cost: admission.cost }
      : { admitted: true, operation, cost: admission.cost, eventCost };
  }
  return refused(trace, [codedError(rejection.code, rejection.message)], rejection.httpStatus, {
    retryAfterSeconds: rejection.retryAfterSeconds,
    cost: admission.cost,
  });
}
