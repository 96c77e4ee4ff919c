import {
  type ExecutionResult,
  execute,
  type FormattedExecutionResult,
  GraphQLError,
  getOperationAST,
} from "graphql";
import { codedError } from "../errors/coded-error.js";
import type { GatewayContext } from "../graphql/context.js";
import type { CostReport } from "../limits/cost-admission.js";
import type { DocumentRefusal } from "./analyse-document.js";
import { type EventResult, subscribeWithEventContexts } from "./execute-operation.js";
import type {
  CallerRefusal,
  OperationOutcome,
  ReceivedOperation,
  RunnerSteps,
  StreamItem,
  TransportProfile,
} from "./operation-outcome.js";
import type { OperationTrace } from "./operation-trace.js";
import { type ResultStream, resultStream } from "./result-stream.js";
import { sharedAnswer } from "./shared-answers.js";

/** The error a subscription whose reader fell too far behind ends with (SLOW_CONSUMER). */
export const slowConsumerError = (maxPendingEvents: number) =>
  codedError(
    "SLOW_CONSUMER",
    `The subscription was ended: its reader did not keep up (more than ${maxPendingEvents} events waiting).`,
  );

/** An error thrown out of a source (not a resolver's error, which execution reports). */
const asGraphQLError = (error: unknown) =>
  error instanceof GraphQLError
    ? error
    : new GraphQLError("Unexpected error.", {
        originalError: error instanceof Error ? error : undefined,
      });

/**
 * Admission before parsing: the one place a verified caller's operation may be held back before
 * any document work: the caller's turn at the per-customer fair gate (`awaitTurn`; a refusal is
 * RATE_LIMITED, 429, with `Retry-After`). The turn ends at `executing` for a subscription, else
 * at `finish` or `release`.
 */
export function admitBeforeParsing(
  steps: RunnerSteps,
  trace: OperationTrace,
): Promise<DocumentRefusal | undefined> {
  return steps.stages.awaitTurn(trace);
}

/**
 * Runs one operation for a transport that lets the runner execute (graphql-ws, graphql-sse,
 * multipart), every stage in the runner's order (see OperationRunner). A refusal at any stage is
 * finished at once and answered masked; an admitted query or mutation is one result; a
 * subscription a stream whose every event is resolved in a fresh, charged context; the trace is
 * finished, and the transport's hold on the caller released, when the stream ends, whatever ended
 * it (its source, the client, the token expiring: last item `ended` UNAUTHENTICATED, a reader too
 * far behind: the transport's `onSlowConsumer` gets the SLOW_CONSUMER error).
 */
export async function runOperation(
  steps: RunnerSteps,
  received: ReceivedOperation,
  transport: TransportProfile,
): Promise<OperationOutcome> {
  const { stages } = steps;
  const { request } = received;
  const preVerified = "verified" in received.caller ? received.caller.verified : undefined;
  const trace = stages.start(transport.name, received.requestId, {
    request,
    viewer: preVerified?.viewer ?? null,
    parent: {
      carriers: received.traceCarriers ?? [],
      ...(received.inheritActiveSpan ? { inheritActive: true } : {}),
    },
  });
  let release = () => {};
  const refused = (
    status: number,
    errors: readonly GraphQLError[],
    extra: { retryAfterSeconds?: number; cost?: CostReport } = {},
  ): OperationOutcome => {
    release();
    stages.finish(trace);
    return {
      kind: "refused",
      status,
      errors: errors.map((error) => stages.mask(error)),
      ...(extra.retryAfterSeconds === undefined
        ? {}
        : { retryAfterSeconds: extra.retryAfterSeconds }),
      ...(extra.cost === undefined ? {} : { cost: extra.cost }),
    };
  };
  const refuse = (refusal: CallerRefusal) =>
    refused(refusal.status, [stages.refuse(trace, codedError(refusal.code, refusal.message))]);

  // Stage 0: the id's trusted document, or the refusal of an ad-hoc one, before anything parses.
  const resolved = stages.resolveDocument(trace, request);
  if (!resolved.admitted) return refused(resolved.status, [resolved.error]);
  const sent = { ...request, query: resolved.query };
  // Stage 1: who is asking.
  let caller = preVerified;
  if (caller === undefined && "credentials" in received.caller) {
    const auth = await stages.authenticate(trace, received.caller.credentials, sent);
    if (!auth.admitted) return refused(auth.status, [auth.error]);
    caller = {
      viewer: auth.viewer,
      ...(auth.service === undefined ? {} : { service: auth.service }),
      ...(auth.expiresAt === undefined ? {} : { expiresAt: auth.expiresAt }),
    };
  }
  const verified = caller ?? { viewer: null };
  // The transport's own admission of the caller (a stream's slot, a socket's operation cap). The
  // stream is not there yet when the slot is taken: an expiry before it is kept for it.
  let items: ResultStream<StreamItem> | undefined;
  let expired = false;
  const expiredItem = (): StreamItem => ({
    kind: "ended",
    error: stages.mask(codedError("UNAUTHENTICATED", "Token expired.")),
  });
  const held = transport.admitCaller?.(verified, () => {
    expired = true;
    items?.stop(expiredItem());
  });
  if (held !== undefined) {
    if (!held.admitted) return refuse(held.refusal);
    release = () => held.release();
  }
  const gated = await admitBeforeParsing(steps, trace);
  if (gated !== undefined) {
    return refused(gated.status, gated.errors, { retryAfterSeconds: gated.retryAfterSeconds });
  }
  // Stage 2a: the document.
  const parsed = await stages.admitDocument(trace, sent.query);
  if ("errors" in parsed) {
    return refused(parsed.status, parsed.errors, { retryAfterSeconds: parsed.retryAfterSeconds });
  }
  const operationName =
    typeof request.operationName === "string" ? request.operationName : undefined;
  if (
    received.readOnly &&
    getOperationAST(parsed.document, operationName)?.operation === "mutation"
  ) {
    return refuse({
      code: "BAD_REQUEST",
      message: "Mutations are not served over GET: use POST.",
      status: 405,
    });
  }
  // Stage 2b: the operation.
  const variables = (request.variables ?? undefined) as Record<string, unknown> | undefined;
  const admission = await stages.admit(
    trace,
    { document: parsed.document, operationName, variables },
    { name: transport.label, subscriptions: transport.subscriptions },
  );
  if (!admission.admitted) {
    return refused(admission.status, admission.errors, {
      retryAfterSeconds: admission.retryAfterSeconds,
      cost: admission.cost,
    });
  }
  // Stage 3: the context.
  const contextValue = stages.buildContext(trace, {
    onSlowConsumer: () => {
      const error = slowConsumerError(steps.maxPendingEvents);
      stages.report(trace, [error]);
      received.onSlowConsumer?.({ kind: "ended", error: stages.mask(error) });
      items?.stop();
    },
    ...(received.resumeAfter === undefined ? {} : { resumeAfter: received.resumeAfter }),
  });
  // Stage 4: execution.
  stages.executing(trace);
  const cost = admission.cost;
  const answer = (result: ExecutionResult, context: GatewayContext): StreamItem => {
    stages.report(trace, result.errors ?? []);
    return { kind: "result", result: formatted(steps, result, cost, context) };
  };
  const execution = {
    schema: stages.schema,
    document: parsed.document,
    variableValues: variables,
    operationName,
    contextValue,
  };
  let source: ExecutionResult | AsyncIterator<EventResult>;
  try {
    source =
      admission.operation.operation === "subscription"
        ? await subscribeWithEventContexts(execution, () => stages.eventContext(trace))
        : await execute(execution);
  } catch (error) {
    source = { errors: [asGraphQLError(error)] };
  }
  if (!("next" in source)) {
    const item = answer(source, contextValue) as Extract<StreamItem, { kind: "result" }>;
    release();
    stages.finish(trace);
    return { kind: "single", result: item.result };
  }
  items = resultStream(source, {
    // An event resolved alike for many subscriptions is formatted once (`sharedAnswer`).
    map: ({ result, context }) => {
      stages.report(trace, result.errors ?? []);
      const shared = sharedAnswer(result, context, () => formatted(steps, result, cost, context));
      return { kind: "result", result: shared };
    },
    failed: (error) => answer({ errors: [asGraphQLError(error)] }, contextValue),
    onEnd: () => {
      release();
      stages.finish(trace);
    },
  });
  if (expired) items.stop(expiredItem());
  return { kind: "stream", items };
}

/**
 * Stage 5, one result as the client sees it: errors masked, data as executed, `extensions` with
 * the operation's cost report and the notices of the context that resolved it (a stale read-model
 * copy served; for a subscription event its own charge and cursor).
 */
function formatted(
  steps: RunnerSteps,
  result: ExecutionResult,
  cost: CostReport | undefined,
  context: GatewayContext,
): FormattedExecutionResult {
  const answer: FormattedExecutionResult = {};
  if (result.errors) answer.errors = result.errors.map((error) => steps.stages.mask(error));
  if (result.data !== undefined) answer.data = result.data;
  const notices = steps.stages.noticesOf(context);
  const extended = cost !== undefined || Object.keys(notices).length > 0;
  const extensions = extended
    ? { ...result.extensions, ...(cost === undefined ? {} : { cost }), ...notices }
    : result.extensions;
  if (extensions !== undefined) answer.extensions = extensions;
  return answer;
}
