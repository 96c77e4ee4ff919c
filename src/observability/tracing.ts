import { register } from "node:module";
import { context, propagation, trace } from "@opentelemetry/api";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import type { Instrumentation } from "@opentelemetry/instrumentation";
import { ExpressInstrumentation } from "@opentelemetry/instrumentation-express";
import { GraphQLInstrumentation } from "@opentelemetry/instrumentation-graphql";
import { HttpInstrumentation } from "@opentelemetry/instrumentation-http";
import { IORedisInstrumentation } from "@opentelemetry/instrumentation-ioredis";
import { NodeSDK, resources } from "@opentelemetry/sdk-node";
import {
  BatchSpanProcessor,
  ConsoleSpanExporter,
  SimpleSpanProcessor,
  type SpanExporter,
  type SpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import { createAddHookMessageChannel } from "import-in-the-middle";
import type { TracingSettings } from "../config/tracing-settings.js";
import { redactingSpanProcessor } from "./redacting-span-processor.js";

/** What tracing is started with. */
export interface TracingOptions {
  settings: TracingSettings;
  /** Configured secret values blanked wherever they would appear in an attribute (`knownSecretsOf`). */
  knownSecrets: readonly string[];
  /**
   * Tests: every span goes to this exporter as it ends (an `InMemorySpanExporter`), instead of
   * the exporters `settings` name.
   */
  exporter?: SpanExporter;
  /**
   * Load the maintained instrumentations (http, express, graphql, ioredis) and hook ESM imports
   * for them; they patch only modules imported afterwards. Default true; tests, whose modules the
   * test runner loads, turn it off.
   */
  instrumentations?: boolean;
}

/** Running tracing. */
export interface Tracing {
  /** Exports what is buffered and stops: the last step of a graceful shutdown. */
  shutdown(): Promise<void>;
}

/** Incoming requests that are no operation and no delivery: probes, metrics, the embedded sandbox's API. */
const UNTRACED_PATHS = /^\/(healthz|readyz|metrics)(\/|\?|$)|^\/(v1|_sandbox)\//;

/** The maintained instrumentations, configured to record no document values and no Stripe URL. */
function gatewayInstrumentations(): Instrumentation[] {
  return [
    new HttpInstrumentation({
      ignoreIncomingRequestHook: (request) => UNTRACED_PATHS.test(request.url ?? ""),
      // Stripe's requests have spans of their own (stripe/gated-http-client.ts), without the path.
      ignoreOutgoingRequestHook: () => true,
    }),
    new ExpressInstrumentation(),
    // allowValues false: literals in `graphql.source` are replaced by `*`, variables never recorded.
    new GraphQLInstrumentation({
      allowValues: false,
      mergeItems: true,
      ignoreTrivialResolveSpans: true,
    }),
    // Statements are recorded without their arguments (keys, values) by this serializer.
    new IORedisInstrumentation({ dbStatementSerializer: (command) => command }),
  ];
}

function exportingProcessors(options: TracingOptions): SpanProcessor[] {
  if (options.exporter !== undefined) return [new SimpleSpanProcessor(options.exporter)];
  return options.settings.exporters.map((kind) =>
    kind === "console"
      ? new SimpleSpanProcessor(new ConsoleSpanExporter())
      : // OTLP over HTTP; endpoint, headers and timeout from the standard OTEL_EXPORTER_OTLP_* variables.
        new BatchSpanProcessor(new OTLPTraceExporter()),
  );
}

/**
 * Starts OpenTelemetry (the Node SDK): the W3C trace-context propagator, the async-hooks context
 * manager, the gateway's span processors (first the redacting one, see
 * `redactingSpanProcessor`, then the exporters) and, unless turned off, the maintained
 * instrumentations with the ESM import hook they need. Call it before the modules to instrument
 * are imported (`src/main.ts` imports the gateway after it). Only loaded when tracing is on, so a
 * gateway without `OTEL_*` settings never loads the SDK. No metrics or logs are exported.
 */
export async function startTracing(options: TracingOptions): Promise<Tracing> {
  const instrumented = options.instrumentations ?? true;
  let hookReady: () => Promise<void> = async () => {};
  if (instrumented) {
    const { registerOptions, waitForAllMessagesAcknowledged } = createAddHookMessageChannel();
    register("import-in-the-middle/hook.mjs", import.meta.url, registerOptions);
    hookReady = waitForAllMessagesAcknowledged;
  }
  const sdk = new NodeSDK({
    serviceName: options.settings.serviceName,
    // Not the process detector: it records the command line.
    resourceDetectors: [resources.envDetector, resources.hostDetector],
    spanProcessors: [redactingSpanProcessor(options.knownSecrets), ...exportingProcessors(options)],
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations: instrumented ? gatewayInstrumentations() : [],
  });
  sdk.start();
  await hookReady();
  return {
    shutdown: async () => {
      await sdk.shutdown();
      trace.disable();
      context.disable();
      propagation.disable();
    },
  };
}
