import {
  type Context,
  context,
  propagation,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from "@opentelemetry/api";
import {
  ATTR,
  gatewayTracer,
  operationContext,
  tracingRegistered,
  UNTRACED_SPAN,
} from "./spans.js";

/**
 * Where an operation's caller may have put a W3C trace context: request headers, a socket's
 * `connectionParams`, a subscribe message's `extensions`. Only `traceparent` and `tracestate`
 * are read from it.
 */
export type TraceCarrier = Readonly<Record<string, unknown>> | null | undefined;

/** How the operation span finds its parent. */
export interface OperationSpanParent {
  /** Carriers in order of preference: the first holding a `traceparent` is used. */
  carriers?: readonly TraceCarrier[];
  /**
   * Parent the span to the active span when there is one (HTTP: the http instrumentation's
   * server span, itself continuing the request's `traceparent`); a socket's operations never do.
   */
  inheritActive?: boolean;
}

/** An operation's span and the context its children start in. */
export interface OperationSpan {
  span: Span;
  context: Context;
}

const firstText = (value: unknown): string | undefined => {
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === "string" && first.length > 0 ? first : undefined;
};

/** The first carrier's W3C trace context, as a context (ROOT_CONTEXT when none has one). */
function remoteParent(carriers: readonly TraceCarrier[]): Context {
  for (const carrier of carriers) {
    const traceparent = firstText(carrier?.traceparent);
    if (traceparent === undefined) continue;
    const tracestate = firstText(carrier?.tracestate);
    return propagation.extract(ROOT_CONTEXT, {
      traceparent,
      ...(tracestate === undefined ? {} : { tracestate }),
    });
  }
  return ROOT_CONTEXT;
}

/**
 * Every operation's span and context while tracing is off: the API's no-op tracer would build a
 * span that records nothing and two contexts per operation; this one records nothing either.
 */
const UNTRACED_OPERATION: OperationSpan = {
  span: UNTRACED_SPAN,
  context: operationContext(ROOT_CONTEXT, UNTRACED_SPAN),
};

/**
 * Starts the span of one GraphQL operation (`operation`; `operation <type> <label>` once
 * `endOperationSpan` knows its type, apart from the graphql instrumentation's `<type> <name>`
 * execution span), parented as `parent` says. Nothing of the request is recorded here. While
 * tracing is off (`tracingRegistered`), one shared span that records nothing.
 */
export function startOperationSpan(
  transport: string,
  parent: OperationSpanParent = {},
): OperationSpan {
  if (!tracingRegistered()) return UNTRACED_OPERATION;
  const active = context.active();
  const inherit = parent.inheritActive === true && trace.getSpan(active) !== undefined;
  const parentContext = inherit ? active : remoteParent(parent.carriers ?? []);
  const span = gatewayTracer().startSpan(
    "operation",
    {
      kind: inherit ? SpanKind.INTERNAL : SpanKind.SERVER,
      attributes: { [ATTR.transport]: transport },
    },
    parentContext,
  );
  return { span, context: operationContext(parentContext, span) };
}

/** What an operation's span records when it ends: never its variables, document or caller. */
export interface OperationOutcome {
  /** The operation's name (bounded) and type, when resolved. */
  name: string | null;
  type: string | null;
  /** A low-cardinality name for the span (the metrics' operation label). */
  label: string;
  requestId: string | null;
  /** The estimated cost, when priced. */
  costRequested: number | undefined;
  /** The codes of the errors the client saw. */
  errorCodes: readonly string[];
  /** The Stripe calls it made. */
  stripeCalls: number;
}

/** Records `outcome` on the operation's span and ends it (error status when any error was answered). */
export function endOperationSpan(span: Span, outcome: OperationOutcome): void {
  if (span.isRecording()) {
    if (outcome.type !== null) span.updateName(`operation ${outcome.type} ${outcome.label}`);
    if (outcome.name !== null) span.setAttribute(ATTR.operationName, outcome.name);
    if (outcome.type !== null) span.setAttribute(ATTR.operationType, outcome.type);
    if (outcome.requestId !== null) span.setAttribute(ATTR.requestId, outcome.requestId);
    if (outcome.costRequested !== undefined) {
      span.setAttribute(ATTR.costRequested, outcome.costRequested);
    }
    span.setAttribute(ATTR.stripeCalls, outcome.stripeCalls);
    if (outcome.errorCodes.length > 0) {
      span.setAttribute(ATTR.errorCodes, [...new Set(outcome.errorCodes)]);
      span.setStatus({ code: SpanStatusCode.ERROR });
    }
  }
  span.end();
}
