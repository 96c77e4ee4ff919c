import {
  type Attributes,
  type Context,
  context,
  createContextKey,
  INVALID_SPAN_CONTEXT,
  ProxyTracerProvider,
  type Span,
  SpanStatusCode,
  type Tracer,
  trace,
} from "@opentelemetry/api";

/**
 * The gateway's own spans (operations, Stripe calls, loader batches, webhook intake, read model)
 * are started through the OpenTelemetry API only. With no SDK registered (tracing off) the API
 * hands out no-op spans: nothing is recorded, and code guarded by `span.isRecording()` skips
 * even the work of computing attributes.
 */
export const TRACER_NAME = "fc-relink-gateway";

/** The tracer of the gateway's own spans (the global provider's: no-op unless tracing is on). */
export function gatewayTracer(): Tracer {
  return trace.getTracer(TRACER_NAME);
}

/** Attribute names of the gateway's spans (OpenTelemetry's semantic conventions where one exists). */
export const ATTR = {
  operationName: "graphql.operation.name",
  operationType: "graphql.operation.type",
  transport: "gateway.transport",
  requestId: "gateway.request_id",
  costRequested: "gateway.cost.requested",
  errorCodes: "gateway.error_codes",
  stripeCalls: "gateway.stripe_calls",
  stripeRoute: "stripe.route",
  stripeRequestId: "stripe.request_id",
  stripeAttempt: "stripe.attempt",
  stripeRetries: "stripe.retries",
  stripeLimiterWaitMs: "stripe.limiter.wait_ms",
  stripeStatus: "stripe.status",
  httpMethod: "http.request.method",
  httpStatus: "http.response.status_code",
  errorType: "error.type",
  loaderName: "dataloader.name",
  loaderBatchSize: "dataloader.batch_size",
  readModelKind: "read_model.kind",
  readModelOutcome: "read_model.outcome",
  readModelRevalidation: "read_model.revalidation",
  eventType: "stripe.event.type",
  eventId: "stripe.event.id",
  webhookOutcome: "webhook.outcome",
} as const;

/** Marks a context as one operation's, so work started inside it is not re-parented. */
const OPERATION_KEY = createContextKey("fc-relink-gateway operation");

/** The context of one operation's span: its children are started under it. */
export function operationContext(parent: Context, span: Span): Context {
  return trace.setSpan(parent, span).setValue(OPERATION_KEY, span);
}

/**
 * The context to run an operation's work in: the active one when it is already inside the
 * operation (a loader batch's span, a Stripe call's), else the operation's own. Resolvers run
 * wherever the transport's server left them; this puts their Stripe calls under the operation.
 */
export function contextWithin(operation: Context): Context {
  const active = context.active();
  const own = operation.getValue(OPERATION_KEY);
  return own !== undefined && active.getValue(OPERATION_KEY) === own ? active : operation;
}

/** The span `inSpan` hands its work while tracing is off: records nothing, like the API's no-op ones. */
export const UNTRACED_SPAN = trace.wrapSpanContext(INVALID_SPAN_CONTEXT);

/**
 * Whether a tracer provider is registered (tracing on): the API's global provider is its proxy,
 * with a delegate once an SDK registered one. Asked per span, so an SDK registered later counts.
 */
export function tracingRegistered(): boolean {
  const provider = trace.getTracerProvider();
  return (
    !(provider instanceof ProxyTracerProvider) ||
    provider.getDelegateTracer(TRACER_NAME) !== undefined
  );
}

/**
 * Runs `work` in a new active span named `name` with `attributes`, under the active context (or
 * `parent`); ends the span when `work` settles, with an error status (its error's class name as
 * `error.type`, never its message) when it rejects. While tracing is off, `work` runs at once with
 * a non-recording span: the API's no-op tracer would only build a context nothing reads (no
 * context manager is registered either), a span and a promise around `work` per call.
 */
export function inSpan<T>(
  name: string,
  attributes: Attributes,
  work: (span: Span) => Promise<T>,
  parent: Context = context.active(),
): Promise<T> {
  if (!tracingRegistered()) {
    try {
      return work(UNTRACED_SPAN);
    } catch (error) {
      return Promise.reject(error);
    }
  }
  return gatewayTracer().startActiveSpan(name, { attributes }, parent, async (span) => {
    try {
      return await work(span);
    } catch (error) {
      markFailed(span, error);
      throw error;
    } finally {
      span.end();
    }
  });
}

/**
 * `inSpan` for synchronous work: runs `work` in a new active span and ends the span when it
 * returns (with an error status when it throws). While tracing is off, `work` runs at once with a
 * non-recording span.
 */
export function inSpanNow<T>(
  name: string,
  attributes: Attributes,
  work: (span: Span) => T,
  parent: Context = context.active(),
): T {
  if (!tracingRegistered()) return work(UNTRACED_SPAN);
  return gatewayTracer().startActiveSpan(name, { attributes }, parent, (span) => {
    try {
      return work(span);
    } catch (error) {
      markFailed(span, error);
      throw error;
    } finally {
      span.end();
    }
  });
}

/** Sets an error status and `error.type` (the error's class name; never its message). */
export function markFailed(span: Span, error: unknown): void {
  if (!span.isRecording()) return;
  const type = error instanceof Error ? error.constructor.name : typeof error;
  span.setAttribute(ATTR.errorType, type);
  span.setStatus({ code: SpanStatusCode.ERROR });
}

/**
 * `target` with each of its methods run in `contextWithin(operation)`: what they start (Stripe
 * calls, loader batches, read-model lookups) is a child of the operation's span, wherever the
 * caller runs. Returns `target` itself when tracing is off (the operation's span is a no-op one).
 */
export function boundToOperation<T extends object>(target: T, operation: Context): T {
  if (!(trace.getSpan(operation)?.isRecording() ?? false)) return target;
  const bound: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(target)) {
    bound[key] =
      typeof value === "function"
        ? (...args: unknown[]) =>
            context.with(contextWithin(operation), () => value.apply(target, args))
        : value;
  }
  return bound as T;
}
