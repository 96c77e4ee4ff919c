import type { DocumentNode, GraphQLError, GraphQLFormattedError, GraphQLSchema } from "graphql";
import type { TokenVerifier } from "../auth/token-verifier.js";
import type { Viewer } from "../auth/viewer.js";
import { CostBudgetExhaustedError } from "../data/errors.js";
import { errorFormatter } from "../errors/format-error.js";
import type { ContextScope, GatewayContext } from "../graphql/context.js";
import type { CostAdmission } from "../limits/cost-admission.js";
import type { FairAdmission } from "../limits/fair-admission.js";
import { boundedText } from "../observability/bounded-text.js";
import type { Logger } from "../observability/logger.js";
import type { GatewayMetrics } from "../observability/metrics.js";
import type { OperationSpanParent } from "../observability/operation-span.js";
import { admitDocument, type DocumentAdmission } from "./admit-document.js";
import {
  admitOperation,
  type OperationAdmission,
  type OperationAdmissionRequest,
} from "./admit-operation.js";
import {
  type AnalysisPolicy,
  analyseDocument,
  chargeRefusal,
  type DocumentAnalysis,
  type DocumentRefusal,
} from "./analyse-document.js";
import { type AnswerNotices, answerNotices } from "./answer-notices.js";
import { type Authentication, authenticateCaller, type Credentials } from "./authenticate.js";
import { createDocumentCache, type DocumentKeyValueStore } from "./document-cache.js";
import type { DocumentRules } from "./document-rules.js";
import { clientErrorCodes, finishOperation, isCallersRefusal } from "./finish.js";
import {
  newTrace,
  type OperationRequest,
  type OperationTrace,
  type Transport,
  type TransportAbilities,
} from "./operation-trace.js";
import { createRefusedDocuments } from "./refused-documents.js";
import {
  type DocumentResolution,
  resolveTrustedDocument,
  type TrustedDocumentPolicy,
} from "./trusted-documents.js";
import { warmReadsMayAnswerAtOnce } from "./warm-reads-at-once.js";

/** What the pipeline is built from, once per gateway. */
export interface OperationPipelineOptions {
  schema: GraphQLSchema;
  /** How documents are parsed and validated (`documentRules`). */
  rules: DocumentRules;
  /** Prices and charges each operation; without it nothing is priced. */
  costAdmission?: CostAdmission;
  verifyToken: TokenVerifier;
  /** A request without a token may run pure introspection (development). */
  allowAnonymousIntrospection: boolean;
  /** Only the manifest's documents run, by id (TRUSTED_DOCUMENTS); undefined: any document. */
  trustedDocuments?: TrustedDocumentPolicy;
  /**
   * Builds a context (`server/context-factory.ts`): one per operation, and one per subscription
   * event; its data access runs in the scope's span context, so the operation's Stripe calls and
   * loader batches are its span's children.
   */
  contextFor: (scope: ContextScope) => GatewayContext;
  logger: Logger;
  metrics: GatewayMetrics;
  /** The per-customer fair gate before the expensive stages (`awaitTurn`); without it, none. */
  fairAdmission?: FairAdmission;
}

/**
 * The one path every GraphQL operation takes, whatever transport carried it:
 * `start` → `resolveDocument` (trusted documents, before anything parses) → `authenticate` → `awaitTurn` (the caller's fair turn) → admit (`admitDocument`: a spent budget refused before parsing, the parse, the validation-work bound, validation; then `admit`: limits, variables, cost; a refusal charged like an operation that ran) →
 * `buildContext` → the transport executes or subscribes (`executing`, `report` its results'
 * errors) → `mask` every error the client sees → `finish` (one log line, the metrics).
 * Each stage writes what it learnt into the operation's trace; a refusal at any stage is answered
 * with the errors it returns, then `finish`. No transport type appears here, and only the runner
 * (`runner.ts`, the order of these calls) calls them: transports call the runner.
 */
export interface OperationPipeline {
  readonly schema: GraphQLSchema;
  /** The parser options and rules: a transport whose server parses itself (Apollo) uses these. */
  readonly rules: DocumentRules;
  /**
   * Begins an operation's trace and its span. With `request`, its query and (bounded) operation
   * name are logged at trace level; `viewer` when the transport authenticated earlier (a socket);
   * `parent` where the caller's W3C `traceparent` may be (see `startOperationSpan`).
   */
  start(
    transport: Transport,
    requestId: string | null,
    from?: { request?: OperationRequest; viewer?: Viewer | null; parent?: OperationSpanParent },
  ): OperationTrace;
  /**
   * Stage 0 (`resolveTrustedDocument`): the document text the operation runs, from the manifest
   * when the request names an id; refuses ad-hoc documents when only trusted ones may run.
   * Every transport calls it first, and parses (or lets Apollo parse) only the text it returns.
   */
  resolveDocument(trace: OperationTrace, request: OperationRequest): DocumentResolution;
  /** Stage 1 (`authenticateCaller`): answered now when the token's verification is. */
  authenticate(
    trace: OperationTrace,
    credentials: Credentials,
    request?: OperationRequest,
  ): Authentication | Promise<Authentication>;
  /**
   * Stage 1b, right after the caller is known and before anything is parsed, on every transport
   * (per operation; a socket's operations each): waits for the caller's turn in the fair gate
   * (`createFairAdmission`: the customer's id, anonymous callers one key), so one customer's
   * flood of operations does not queue everyone else's behind it. Undefined once let in; a
   * refusal (RATE_LIMITED, 429, `Retry-After`) when the caller holds too many operations. The
   * turn ends when the operation starts executing a subscription, or at `finish`/`release`.
   */
  awaitTurn(trace: OperationTrace): Promise<DocumentRefusal | undefined>;
  /**
   * Ends the trace's fair turn now (idempotent): for a transport whose server may answer without
   * reaching `finish` (Apollo's own refusals of a malformed HTTP request), once the answer is sent.
   */
  endTurn(trace: OperationTrace): void;
  /**
   * Apollo's document store (`createDocumentCache`): the documents of admitted operations, bounded
   * in bytes and entries; a document is cached only once its operation is admitted (`admit`).
   */
  readonly documentStore: DocumentKeyValueStore;
  /** True when this text's document is in `documentStore` (nothing to analyse: it ran before). */
  documentCached(text: string): boolean;
  /** This text's cached document (`DocumentCache.lookup`): it parsed, validated and ran before. */
  cachedDocument(text: string): DocumentNode | undefined;
  /**
   * Offers the cache a document parsed and validated from `text` outside `admitDocument` (what
   * Apollo's `documentStore.set` does): kept once its operation is admitted (`admit`).
   */
  proposeDocument(text: string, document: DocumentNode): void;
  /**
   * Stage 2a, before validation (`analyseDocument`): a spent budget refused before parsing, the
   * parse, the validation-work bound, the analysis cost. For Apollo, which then parses and
   * validates itself with `rules` (its validation failures charged with `chargeRefusal`).
   */
  analyse(trace: OperationTrace, query: string): Promise<DocumentAnalysis>;
  /** Stage 2a, analyse then validate (`admitDocument`); where Apollo validates, `analyse` alone. */
  admitDocument(trace: OperationTrace, query: unknown): Promise<DocumentAdmission>;
  /** Charges a document refused after it was parsed like one that ran (`chargeRefusal`). */
  chargeRefusal(trace: OperationTrace): Promise<void>;
  /**
   * Stage 2b, the operation: resolution, transport, variables, cost (`admitOperation`), its
   * document's analysis cost included; a refusal is charged like an operation that ran
   * (`chargeRefusal`), an admitted operation's document may be cached. An admitted operation's
   * admission is answered now, not a promise, unless cost admission waits for its budget's store
   * (Redis); a refusal is answered once its charge is.
   */
  admit(
    trace: OperationTrace,
    request: OperationAdmissionRequest,
    transport: TransportAbilities,
  ): OperationAdmission | Promise<OperationAdmission>;
  /** Records a refusal the transport made itself (a socket's operation cap); returns `error`. */
  refuse(trace: OperationTrace, error: GraphQLError): GraphQLError;
  /**
   * Stage 3: the operation's context, for the viewer authenticated in `trace`, with what a
   * streaming transport adds (its slow-reader end, a resume position said outside the document).
   */
  buildContext(
    trace: OperationTrace,
    streaming?: Pick<ContextScope, "onSlowConsumer" | "resumeAfter">,
  ): GatewayContext;
  /**
   * Stage 4, per subscription event: the event's Stripe reads (`trace.eventCost`) charged to the
   * viewer's cost budget, then a fresh context for it, adding to the operation's Stripe call count;
   * when the budget cannot cover them, its data refuses every Stripe call with
   * CostBudgetExhaustedError (RATE_LIMITED, `retryAfter`) and the event is still delivered.
   * Without cost admission or a customer, a fresh context and no charge.
   */
  eventContext(trace: OperationTrace): Promise<GatewayContext>;
  /** Stage 4 began: the operation passed every stage and runs. */
  executing(trace: OperationTrace): void;
  /** Records the errors of one of the operation's results, as raised. */
  report(trace: OperationTrace, errors: readonly unknown[]): void;
  /**
   * Stage 5: what one result of the operation says besides its data and cost, in `extensions`
   * (`answerNotices`: a stale read-model copy served). Every transport adds it to every result.
   */
  notices(trace: OperationTrace): AnswerNotices;
  /** Stage 5 for one subscription event: the notices of the context that resolved it. */
  noticesOf(context: GatewayContext): AnswerNotices;
  /** Stage 5: what the client sees of an error (`errorFormatter`: masked, no suggestions when hidden). */
  mask(error: GraphQLError): GraphQLFormattedError;
  /** The same formatter, in Apollo's `formatError` shape (the formatted error and the raised one). */
  readonly formatError: (
    formatted: GraphQLFormattedError,
    error?: unknown,
  ) => GraphQLFormattedError;
  /** Stage 6 (`finishOperation`): once per operation, after its last answer is decided. */
  finish(trace: OperationTrace): void;
  /**
   * Ends a trace that turned out to be no operation (a socket let in, or over its customer's cap,
   * at connection_init): nothing is logged or counted; its span ends as `websocket connection_init`.
   */
  release(trace: OperationTrace): void;
}

/** Builds the pipeline from its stages' dependencies. */
export function createOperationPipeline(options: OperationPipelineOptions): OperationPipeline {
  const { schema, rules, logger } = options;
  const authentication = {
    verifyToken: options.verifyToken,
    allowAnonymousIntrospection: options.allowAnonymousIntrospection,
    parseOptions: rules.parseOptions,
  };
  const admission = {
    schema,
    costAdmission: options.costAdmission,
    hideSuggestions: rules.hideSuggestions,
  };
  const analysis: AnalysisPolicy = {
    rules,
    maxValidationWork: rules.maxValidationWork,
    costAdmission: options.costAdmission,
    // Keyed by what decides a refusal: the parser options (token limit) and the work bound.
    refusedDocuments: createRefusedDocuments(
      `${JSON.stringify(rules.parseOptions)}:${rules.maxValidationWork}`,
    ),
    noteAnalysis: (outcome) => options.metrics.documentAnalyses.inc({ outcome }),
  };
  const documents = createDocumentCache();
  const formatError = errorFormatter({ hideSuggestions: rules.hideSuggestions });
  const reporting = { logger, metrics: options.metrics };
  /** The fair-gate turn each let-in operation holds, until `endTurn`. */
  const turns = new WeakMap<OperationTrace, (refused?: boolean) => void>();
  const endTurn = (trace: OperationTrace, refused = false) => {
    turns.get(trace)?.(refused);
    turns.delete(trace);
  };
  /**
   * What follows the operation's admission: its cost and event cost in `trace`, an admitted
   * document kept in the cache; a refusal charged like an operation that ran (`chargeRefusal`,
   * waited for). Answered now when admitted.
   */
  const afterAdmission = (
    trace: OperationTrace,
    document: DocumentNode,
    admitted: OperationAdmission,
  ): OperationAdmission | Promise<OperationAdmission> => {
    trace.cost = admitted.cost;
    if (admitted.admitted) {
      trace.eventCost = admitted.eventCost ?? 0;
      trace.warmReadsAtOnce = warmReadsMayAnswerAtOnce(document, admitted.operation);
      documents.admitted(document);
      return admitted;
    }
    const overBudget = admitted.errors.some((error) => error.extensions.code === "RATE_LIMITED");
    return chargeRefusal(trace, analysis, overBudget).then(() => admitted);
  };
  return {
    schema,
    rules,
    start: (transport, requestId, from = {}) => {
      const { request } = from;
      if (request) {
        const operationName =
          typeof request.operationName === "string" ? boundedText(request.operationName) : null;
        logger.trace(
          { transport, requestId, query: request.query, operationName },
          "graphql request",
        );
      }
      return newTrace(transport, requestId, from.viewer ?? null, from.parent);
    },
    resolveDocument: (trace, request) =>
      resolveTrustedDocument(trace, options.trustedDocuments, request),
    authenticate: (trace, credentials, request) =>
      authenticateCaller(trace, authentication, credentials, request),
    awaitTurn: async (trace) => {
      if (options.fairAdmission === undefined) return undefined;
      const turn = await options.fairAdmission.enter(trace.viewer?.customerId ?? "(anonymous)");
      if (turn.admitted) {
        turns.set(trace, turn.release);
        return undefined;
      }
      trace.errors.push(turn.error);
      return {
        errors: [turn.error],
        status: turn.status,
        retryAfterSeconds: turn.retryAfterSeconds,
      };
    },
    endTurn,
    documentStore: documents.store,
    documentCached: (text) => documents.holds(text),
    cachedDocument: (text) => documents.lookup(text),
    proposeDocument: (text, document) => documents.propose(text, document),
    analyse: (trace, query) => analyseDocument(trace, analysis, query),
    admitDocument: (trace, query) => admitDocument(trace, schema, analysis, query, documents),
    chargeRefusal: (trace) => chargeRefusal(trace, analysis),
    admit: (trace, request, transport) => {
      // Field by field: `{ ...request, analysisCost }` (a spread, then a property the source lacks)
      // takes V8's slow path, ~1 µs an operation.
      const admitted = admitOperation(
        trace,
        admission,
        {
          document: request.document,
          operationName: request.operationName,
          variables: request.variables,
          analysisCost: trace.analysisCost,
        },
        transport,
      );
      return admitted instanceof Promise
        ? admitted.then((answer) => afterAdmission(trace, request.document, answer))
        : afterAdmission(trace, request.document, admitted);
    },
    refuse: (trace, error) => {
      trace.errors.push(error);
      return error;
    },
    buildContext: (trace, streaming = {}) => {
      const context = options.contextFor({
        viewer: trace.viewer,
        spanContext: trace.spanContext,
        // Read when a warm read asks: Apollo builds the context before it admits the operation.
        warmReadsAtOnce: () => trace.warmReadsAtOnce,
        ...streaming,
      });
      trace.context = context;
      return context;
    },
    eventContext: async (trace) => {
      const { costAdmission } = options;
      const customerId = trace.viewer?.customerId;
      const scope = {
        viewer: trace.viewer,
        spanContext: trace.spanContext,
        stripeCalls: trace.context?.stripeCalls,
      };
      if (costAdmission === undefined || customerId === undefined) return options.contextFor(scope);
      const charged =
        trace.eventCost > 0
          ? await costAdmission.chargeEvent(customerId, trace.eventCost)
          : ({ allowed: true, cost: { requested: 0 } } as const);
      return options.contextFor({
        ...scope,
        eventCost: charged.cost,
        ...(charged.allowed
          ? {}
          : { refusal: new CostBudgetExhaustedError(charged.message, charged.retryAfterSeconds) }),
      });
    },
    executing: (trace) => {
      trace.executed = true;
      // A subscription runs for as long as it is open: its turn ends once it is set up.
      if (trace.operation?.type === "subscription") endTurn(trace);
    },
    report: (trace, errors) => {
      trace.errors.push(...errors);
    },
    notices: (trace) => answerNotices(trace.context),
    noticesOf: (context) => answerNotices(context),
    mask: (error) => formatError(error.toJSON(), error),
    formatError,
    finish: (trace) => {
      if (trace.finished) return;
      const errorCodes = clientErrorCodes(trace);
      endTurn(trace, errorCodes.some(isCallersRefusal));
      finishOperation(trace, reporting, errorCodes);
    },
    release: (trace) => {
      endTurn(trace);
      if (trace.finished) return;
      trace.finished = true;
      trace.span.updateName("websocket connection_init");
      trace.span.end();
    },
  };
}
