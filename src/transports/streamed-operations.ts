import {
  type ExecutionResult,
  execute,
  type FormattedExecutionResult,
  GraphQLError,
  type GraphQLFormattedError,
  getOperationAST,
  subscribe,
} from "graphql";
import { codedError } from "../errors/coded-error.js";
import type { ErrorCode } from "../errors/error-codes.js";
import type { CostReport } from "../limits/cost-admission.js";
import type { TraceCarrier } from "../observability/operation-span.js";
import type { Credentials } from "../pipeline/authenticate.js";
import type {
  OperationRequest,
  OperationTrace,
  Transport,
  TransportAbilities,
} from "../pipeline/operation-trace.js";
import type { OperationPipeline } from "../pipeline/pipeline.js";
import { CLOSE_FORBIDDEN, type SocketLimits, slotOwnerOf } from "../subscriptions/socket-limits.js";
import { type ResultStream, resultStream } from "./result-stream.js";
import { slowConsumerError } from "./slow-consumer.js";

/** One operation a streaming HTTP transport (SSE, multipart) received. */
export interface StreamedRequest {
  transport: Extract<Transport, "sse" | "multipart">;
  /** The request's id (`X-Request-Id`), for the log line. */
  requestId: string | null;
  credentials: Credentials;
  request: OperationRequest;
  /** A GET request: a mutation is refused (405), as GraphQL over HTTP refuses it. */
  readOnly?: boolean;
  /** The request's headers, where the caller's W3C `traceparent` may be. */
  headers?: TraceCarrier;
  /**
   * Called once when a subscription's reader fell too far behind (STREAM_MAX_PENDING_EVENTS):
   * the transport writes `last` (a SLOW_CONSUMER error) itself, without waiting for the reader,
   * and closes the stream; the stream's items then end.
   */
  onSlowConsumer?: (last: StreamItem) => void;
  /** Where a subscription resumes, said outside the document (SSE `Last-Event-ID`). */
  resumeAfter?: string;
}

/** What the stream carries: an answer, or why the gateway ended it (the token expired). */
export type StreamItem =
  | { kind: "result"; result: FormattedExecutionResult }
  | { kind: "ended"; error: GraphQLFormattedError };

/**
 * The outcome of `start`: refused before anything ran (answered like HTTP: a status, masked
 * errors, `Retry-After` when rate limited), or admitted, with the stream of its answers.
 */
export type StreamedAnswer =
  | {
      kind: "refused";
      status: number;
      errors: GraphQLFormattedError[];
      retryAfterSeconds?: number;
    }
  | { kind: "streaming"; items: ResultStream<StreamItem> };

/** Operations over the streaming HTTP transports, all counted and ended together. */
export interface StreamedOperations {
  /** Runs `request` through the pipeline; see `streamedOperations`. */
  start(request: StreamedRequest): Promise<StreamedAnswer>;
  /** Streams open now. */
  openCount(): number;
  /** Ends every open stream (shutdown): each completes as if its source had. */
  close(): void;
}

const coded = (message: string, code: ErrorCode) => codedError(code, message);

/** An error thrown out of a source (not a resolver's error, which execution reports). */
const asGraphQLError = (error: unknown) =>
  error instanceof GraphQLError
    ? error
    : new GraphQLError("Unexpected error.", {
        originalError: error instanceof Error ? error : undefined,
      });

/**
 * Serves operations over HTTP streams (graphql-sse, Apollo's multipart subscriptions) through the
 * same pipeline stages as graphql-ws: `resolveDocument` (trusted documents: the id's text, or a
 * refusal before anything parses); `authenticate` with the request's credentials (401/403); a
 * customer's open streams count in `limits` with its WebSockets, one cap, and a service token's
 * in a cap of its own, whichever customer it acts as (over either: 429 SUBSCRIPTION_LIMIT,
 * nothing parsed or charged); `admitDocument` (a mutation in a `readOnly`
 * request: 405 BAD_REQUEST) and `admit` (query limits, variables, cost and budget; their
 * statuses); then the context and execution (`subscribe` for a subscription, `execute`
 * otherwise: one answer; a throw becomes an answer's error). Each answer's errors are reported
 * and masked, with `extensions.cost` when priced and the read model's notices. The trace is finished and the customer's slot
 * released when the stream ends, whatever ended it: the source, the client leaving, `close`, or
 * the token expiring (its last item `ended`, UNAUTHENTICATED), or the reader falling too far
 * behind (the transport's `onSlowConsumer` sends the SLOW_CONSUMER error and closes).
 */
export function streamedOperations(
  pipeline: OperationPipeline,
  limits: SocketLimits,
  /** STREAM_MAX_PENDING_EVENTS, for the SLOW_CONSUMER error's message. */
  maxPendingEvents: number,
): StreamedOperations {
  const open = new Set<ResultStream<StreamItem>>();
  const abilities = (name: string): TransportAbilities => ({ name, subscriptions: true });
  const refused = (
    trace: OperationTrace,
    status: number,
    errors: readonly GraphQLError[],
    retryAfterSeconds?: number,
  ): StreamedAnswer => {
    pipeline.finish(trace);
    return {
      kind: "refused",
      status,
      errors: errors.map((error) => pipeline.mask(error)),
      ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
    };
  };
  return {
    openCount: () => open.size,
    close: () => {
      for (const stream of open) stream.stop();
    },
    start: async ({
      transport,
      requestId,
      credentials,
      request,
      readOnly,
      headers,
      onSlowConsumer,
      resumeAfter,
    }) => {
      const trace = pipeline.start(transport, requestId, {
        request,
        parent: { carriers: headers === undefined ? [] : [headers], inheritActive: true },
      });
      // The id's trusted document, or the refusal of an ad-hoc one, before anything parses.
      const resolved = pipeline.resolveDocument(trace, request);
      if (!resolved.admitted) return refused(trace, resolved.status, [resolved.error]);
      const sent = { ...request, query: resolved.query };
      const auth = await pipeline.authenticate(trace, credentials, sent);
      if (!auth.admitted) return refused(trace, auth.status, [auth.error]);
      // The stream is not there yet when the slot is taken: an expiry before it is kept for it.
      let items: ResultStream<StreamItem> | undefined;
      let expired = false;
      const expiry = {
        error: coded("Token expired.", "UNAUTHENTICATED"),
        close: (code: number) => {
          if (code !== CLOSE_FORBIDDEN) return;
          expired = true;
          items?.stop({ kind: "ended", error: pipeline.mask(expiry.error) });
        },
      };
      const viewer = auth.viewer;
      const owner = viewer ? slotOwnerOf({ viewer, service: auth.service }) : undefined;
      const hold = owner ? limits.open(expiry, owner, auth.expiresAt) : undefined;
      if (owner && hold === undefined) {
        const message =
          owner.kind === "service"
            ? `At most ${limits.maxSocketsPerService} WebSockets and subscription streams per service token are open at once.`
            : `At most ${limits.maxSocketsPerCustomer} WebSockets and subscription streams per customer are open at once.`;
        return refused(trace, 429, [pipeline.refuse(trace, coded(message, "SUBSCRIPTION_LIMIT"))]);
      }
      const parsed = await pipeline.admitDocument(trace, sent.query);
      if ("errors" in parsed) {
        hold?.release();
        return refused(trace, parsed.status, parsed.errors, parsed.retryAfterSeconds);
      }
      const operationName =
        typeof request.operationName === "string" ? request.operationName : undefined;
      if (readOnly && getOperationAST(parsed.document, operationName)?.operation === "mutation") {
        hold?.release();
        const error = coded("Mutations are not served over GET: use POST.", "BAD_REQUEST");
        return refused(trace, 405, [pipeline.refuse(trace, error)]);
      }
      const variables = (request.variables ?? undefined) as Record<string, unknown> | undefined;
      const admission = await pipeline.admit(
        trace,
        { document: parsed.document, operationName, variables },
        abilities(transport === "sse" ? "Server-Sent Events" : "multipart HTTP"),
      );
      if (!admission.admitted) {
        hold?.release();
        return refused(trace, admission.status, admission.errors, admission.retryAfterSeconds);
      }
      const contextValue = pipeline.buildContext(trace);
      contextValue.onSlowConsumer = () => {
        const error = slowConsumerError(maxPendingEvents);
        pipeline.report(trace, [error]);
        onSlowConsumer?.({ kind: "ended", error: pipeline.mask(error) });
        items?.stop();
      };
      const args = {
        schema: pipeline.schema,
        document: parsed.document,
        variableValues: variables,
        operationName,
        contextValue,
      };
      if (resumeAfter !== undefined) args.contextValue.resumeAfter = resumeAfter;
      pipeline.executing(trace);
      const cost: CostReport | undefined = admission.cost;
      const answer = (result: ExecutionResult): StreamItem => {
        pipeline.report(trace, result.errors ?? []);
        const formatted: FormattedExecutionResult = {};
        if (result.errors) formatted.errors = result.errors.map((error) => pipeline.mask(error));
        if (result.data !== undefined) formatted.data = result.data;
        // The cost report, and the read model's notices (a stale copy served), as on every transport.
        const notices = pipeline.notices(trace);
        const extended = cost !== undefined || Object.keys(notices).length > 0;
        const extensions = extended
          ? { ...result.extensions, ...(cost === undefined ? {} : { cost }), ...notices }
          : result.extensions;
        if (extensions !== undefined) formatted.extensions = extensions;
        return { kind: "result", result: formatted };
      };
      let source: Awaited<ReturnType<typeof subscribe>>;
      try {
        source =
          admission.operation.operation === "subscription"
            ? await subscribe(args)
            : await execute(args);
      } catch (error) {
        source = { errors: [asGraphQLError(error)] };
      }
      const results: AsyncIterator<ExecutionResult> =
        Symbol.asyncIterator in source
          ? source
          : (async function* single() {
              yield source;
            })();
      items = resultStream(results, {
        map: answer,
        failed: (error) => answer({ errors: [asGraphQLError(error)] }),
        onEnd: () => {
          open.delete(items as ResultStream<StreamItem>);
          hold?.release();
          pipeline.finish(trace);
        },
      });
      open.add(items);
      if (expired) items.stop({ kind: "ended", error: pipeline.mask(expiry.error) });
      return { kind: "streaming", items };
    },
  };
}
