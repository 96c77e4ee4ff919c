import type { GraphQLError, GraphQLFormattedError, GraphQLSchema, ParseOptions } from "graphql";
import type { Viewer } from "../auth/viewer.js";
import type { TraceCarrier } from "../observability/operation-span.js";
import { connectCaller } from "./connect-caller.js";
import type { DocumentKeyValueStore } from "./document-cache.js";
import type { DocumentRules } from "./document-rules.js";
import { adoptHttpSession, type HttpSession, startHttpSession } from "./http-session.js";
import type {
  ConnectionOutcome,
  OperationOutcome,
  ReceivedConnection,
  ReceivedHttpOperation,
  ReceivedOperation,
  TransportProfile,
} from "./operation-outcome.js";
import type { OperationRequest } from "./operation-trace.js";
import {
  createOperationPipeline,
  type OperationPipeline,
  type OperationPipelineOptions,
} from "./pipeline.js";
import { runOperation } from "./run-operation.js";

export type { Credentials } from "./authenticate.js";
export type { HttpSession } from "./http-session.js";
export type {
  CallerAdmission,
  CallerRefusal,
  ConnectionOutcome,
  OperationOutcome,
  ReceivedConnection,
  ReceivedHttpOperation,
  ReceivedOperation,
  StreamItem,
  TransportProfile,
  VerifiedCaller,
} from "./operation-outcome.js";
export type { OperationRequest, Transport } from "./operation-trace.js";
export { mapStream, type ResultStream } from "./result-stream.js";
export { documentIdOf } from "./trusted-documents.js";

/** What the runner is built from: the pipeline's stages' dependencies, and its own. */
export interface OperationRunnerOptions extends OperationPipelineOptions {
  /** STREAM_MAX_PENDING_EVENTS, for the SLOW_CONSUMER error's message. */
  maxPendingEvents: number;
}

/**
 * The one owner of a GraphQL operation, whatever carried it: transports hand it what they
 * received and write what it answers; it calls every stage, in one order:
 * trusted document → authenticate → the transport's admission of the caller (slots, caps) →
 * admission before parsing (the per-customer fair gate, `fairAdmission`) → parse, work bound, validate → the operation
 * (resolution, subscriptions only where they stream, GET read-only, variables, cost) → context →
 * execute or subscribe (a fresh context per subscription event, charged first) → each result
 * masked, with its cost and notices → finish (one log line, metrics, the span).
 */
export interface OperationRunner {
  readonly schema: GraphQLSchema;
  /** The parser options (a transport that must recognise a subscription before routing it). */
  readonly parseOptions: ParseOptions;
  /** Runs one operation (graphql-ws, graphql-sse, multipart). */
  run(received: ReceivedOperation, transport: TransportProfile): Promise<OperationOutcome>;
  /** A socket's connection_init: its credentials verified (no operation yet, nothing admitted anonymously). */
  connect(received: ReceivedConnection): Promise<ConnectionOutcome>;
  /**
   * The same order for GraphQL over HTTP, where Apollo Server parses, validates and executes: the
   * session runs the stages before parsing now and tells Apollo's hooks which stage comes next.
   */
  http(received: ReceivedHttpOperation): Promise<HttpSession>;
  /** The session of an operation Apollo runs without `http` (`executeOperation` in tests). */
  httpAdopted(
    request: OperationRequest,
    viewer: Viewer | null,
    requestId: string | null,
    traceCarriers?: readonly TraceCarrier[],
  ): HttpSession;
  /** Apollo's document store: documents of admitted operations only (see document-cache.ts). */
  readonly documentStore: DocumentKeyValueStore;
  /** What the client sees of an error (the one error formatter). */
  mask(error: GraphQLError): GraphQLFormattedError;
  /**
   * What Apollo Server is given so that it parses, validates and formats errors as the runner
   * does: the one set of document rules and the one error formatter.
   */
  readonly apollo: {
    rules: DocumentRules;
    formatError: (formatted: GraphQLFormattedError, error?: unknown) => GraphQLFormattedError;
  };
}

/** Builds the runner (one per gateway). */
export function createOperationRunner(options: OperationRunnerOptions): OperationRunner {
  const stages: OperationPipeline = createOperationPipeline(options);
  const steps = {
    stages,
    maxPendingEvents: options.maxPendingEvents,
  };
  return {
    schema: stages.schema,
    parseOptions: stages.rules.parseOptions,
    run: (received, transport) => runOperation(steps, received, transport),
    connect: (received) => connectCaller(stages, received),
    http: (received) => startHttpSession(steps, received),
    httpAdopted: (request, viewer, requestId, traceCarriers = []) => {
      const trace = stages.start("http", requestId, {
        request,
        viewer,
        parent: { carriers: traceCarriers },
      });
      return adoptHttpSession(steps, trace);
    },
    documentStore: stages.documentStore,
    mask: (error) => stages.mask(error),
    apollo: { rules: stages.rules, formatError: stages.formatError },
  };
}
