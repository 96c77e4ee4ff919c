import type { Context, Span } from "@opentelemetry/api";
import type { OperationTypeNode } from "graphql";
import type { Viewer } from "../auth/viewer.js";
import type { GatewayContext } from "../graphql/context.js";
import type { CostReport } from "../limits/cost-admission.js";
import { type OperationSpanParent, startOperationSpan } from "../observability/operation-span.js";
import type { Transport } from "./operation-line.js";

/** The transports that carry operations into the pipeline (their label in logs and metrics). */
export type { Transport } from "./operation-line.js";

/** One GraphQL request as a client sent it, whatever carried it (fields not yet checked). */
export interface OperationRequest {
  query?: unknown;
  operationName?: unknown;
  variables?: unknown;
  /** A trusted document's id (the client preset's persisted documents request). */
  documentId?: unknown;
  /** Apollo's persisted query request carries the id in `extensions.persistedQuery`. */
  extensions?: unknown;
}

/** Which operations a transport can carry, and its name in messages ("HTTP", "WebSocket"). */
export interface TransportAbilities {
  name: string;
  /** It streams results, so it can serve subscriptions. */
  subscriptions: boolean;
}

/**
 * What the pipeline learns of one operation as it passes the stages: each stage writes its part
 * (the viewer, the operation once resolved, the context, the errors as raised), `finish` reads
 * it all for the log line and the metrics. A transport adapter holds it from `start` to `finish`
 * and never writes it itself.
 */
export interface OperationTrace {
  readonly transport: Transport;
  /** The request id on HTTP (streams too); `<socket>:<operation id>` on WebSocket; the socket's id for a refused socket. */
  readonly requestId: string | null;
  /** `performance.now()` when the operation arrived. */
  readonly startedAt: number;
  /** The verified viewer, once authenticated; null before, and for anonymous introspection. */
  viewer: Viewer | null;
  /**
   * The operation's name and type, once the document is known to hold it; for a request refused
   * at authentication only the name it gave (type null: nothing was resolved).
   */
  operation: { name: string | null; type: OperationTypeNode | null } | undefined;
  /** It passed every stage and was handed to execution. */
  executed: boolean;
  /** Its context, once built (its Stripe calls are read from it). */
  context: GatewayContext | undefined;
  /** Every error it answered with, as raised (before masking). */
  errors: unknown[];
  /** Its cost report, once priced. */
  cost: CostReport | undefined;
  /** What each event of an admitted subscription is charged (its per-event Stripe reads); 0: none. */
  eventCost: number;
  /** Points its document's parsing and validation is charged (`analysisCost`); 0 until analysed. */
  analysisCost: number;
  /**
   * Its warm read-model reads may answer at once (`warmReadsMayAnswerAtOnce`: an admitted query
   * none of whose root fields reads a relink session); false until admitted.
   */
  warmReadsAtOnce: boolean;
  /** Its OpenTelemetry span (a no-op one when tracing is off), ended by `finish`. */
  readonly span: Span;
  /** The context its work runs in (the span's): Stripe calls and loader batches become its children. */
  readonly spanContext: Context;
  /** `finish` ran: nothing more is recorded. */
  finished: boolean;
}

/** A fresh trace, started now, its span parented as `parent` says (see `startOperationSpan`). */
export function newTrace(
  transport: Transport,
  requestId: string | null,
  viewer: Viewer | null = null,
  parent: OperationSpanParent = {},
): OperationTrace {
  const { span, context } = startOperationSpan(transport, parent);
  return {
    transport,
    requestId,
    startedAt: performance.now(),
    viewer,
    operation: undefined,
    executed: false,
    context: undefined,
    errors: [],
    cost: undefined,
    eventCost: 0,
    analysisCost: 0,
    warmReadsAtOnce: false,
    span,
    spanContext: context,
    finished: false,
  };
}
