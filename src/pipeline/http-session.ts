import {
  type DocumentNode,
  GraphQLError,
  type GraphQLFormattedError,
  parse,
  specifiedRules,
  validate,
} from "graphql";
import { retryAfterOf } from "../errors/retry-after.js";
import type { GatewayContext } from "../graphql/context.js";
import type { OperationAdmission } from "./admit-operation.js";
import type { ReceivedHttpOperation, RunnerSteps } from "./operation-outcome.js";
import type { OperationTrace, TransportAbilities } from "./operation-trace.js";
import { admitBeforeParsing } from "./run-operation.js";

/** HTTP answers each request once: it serves no subscriptions. */
const HTTP: TransportAbilities = { name: "HTTP", subscriptions: false };

/** A refusal answered before Apollo parses: the error as raised (Apollo masks it), its status. */
export interface HttpRefusal {
  error: GraphQLError;
  status: number;
  retryAfterSeconds?: number;
}

/**
 * One GraphQL-over-HTTP operation, which Apollo Server parses, validates and executes: the runner's
 * stages in the runner's order, each called by the hook of Apollo's that comes at that point.
 * Before Apollo parses (its context function): the trusted document, authentication, admission
 * before parsing, the document's analysis (a spent budget, the validation-work bound, the analysis
 * cost), the context (`refusal` or `context`). Then, from Apollo's plugin: `validated`
 * (a document refused by validation is charged), `resolved` (the operation's admission),
 * `admissionRefusal` (answered instead of executing), `executing`, `answered` (what the answer
 * adds: cost, notices, `Retry-After`; the operation finished).
 */
export interface HttpSession {
  /** Refused before Apollo parses anything (already finished). */
  readonly refusal: HttpRefusal | undefined;
  /** The operation's context (undefined when refused). */
  readonly context: GatewayContext | undefined;
  /** The text Apollo parses instead of the request's: the trusted document its id named. */
  readonly trustedText: string | undefined;
  /**
   * Apollo's own step between the context and the operation, for a transport that answers without
   * Apollo (`direct-http.ts`), as Apollo does it with the same rules: `query`'s document from the
   * document cache, else parsed with the rules' parser options and validated with the spec's
   * rules and the rules' own, then offered to the cache (kept once admitted). A document that
   * does not validate is charged (`validated`) and its errors returned as graphql-js raised them;
   * a syntax error (possible only if the text left the cache since the session's analysis) too.
   * Answered now, not a promise, unless a refused document's charge is waited for.
   */
  document(query: string): HttpDocument | Promise<HttpDocument>;
  /** Apollo validated the document: one that did not validate is charged like one that ran. */
  validated(errors: readonly unknown[] | undefined): Promise<void>;
  /**
   * Stage 2b once Apollo resolved the operation: variables, cost, the budget. Done now (undefined)
   * when the admission is answered now (`OperationPipeline.admit`); else a promise of it.
   */
  resolved(request: {
    document: DocumentNode;
    operationName?: string | null;
    variables?: Record<string, unknown> | null;
  }): undefined | Promise<void>;
  /** The admission's refusal, masked, to answer instead of executing (undefined: it runs). */
  admissionRefusal():
    | { status: number; retryAfterSeconds?: number; errors: GraphQLFormattedError[] }
    | undefined;
  /** Stage 4 began. */
  executing(): void;
  /**
   * Stage 5-6: the answer's errors reported, its extensions (cost report, notices) and the
   * `Retry-After` its errors ask for; the operation finished.
   */
  answered(errors: readonly unknown[]): {
    extensions: Record<string, unknown>;
    retryAfterSeconds?: number;
  };
}

/** The document `HttpSession.document` found: parsed and validated, or why not. */
export type HttpDocument =
  | { document: DocumentNode }
  | { syntaxError: GraphQLError }
  | { validationErrors: readonly GraphQLError[] };

/** The session's stages after the context (shared by `startHttpSession` and `adoptHttpSession`). */
function session(
  steps: RunnerSteps,
  trace: OperationTrace,
  before: { refusal?: HttpRefusal; context?: GatewayContext; trustedText?: string },
): HttpSession {
  const { stages } = steps;
  let admission: OperationAdmission | undefined;
  return {
    refusal: before.refusal,
    context: before.context,
    trustedText: before.trustedText,
    document: (query) => {
      const cached = stages.cachedDocument(query);
      if (cached !== undefined) return { document: cached };
      let document: DocumentNode;
      try {
        document = parse(query, stages.rules.parseOptions);
      } catch (error) {
        return {
          syntaxError:
            error instanceof GraphQLError ? error : new GraphQLError((error as Error).message),
        };
      }
      const validationErrors = validate(stages.schema, document, [
        ...specifiedRules,
        ...stages.rules.validationRules,
      ]);
      if (validationErrors.length > 0) {
        return stages.chargeRefusal(trace).then(() => ({ validationErrors }));
      }
      stages.proposeDocument(query, document);
      return { document };
    },
    validated: async (errors) => {
      if (errors !== undefined && errors.length > 0) await stages.chargeRefusal(trace);
    },
    resolved: (request) => {
      const admitted = stages.admit(trace, request, HTTP);
      if (!(admitted instanceof Promise)) {
        admission = admitted;
        return undefined;
      }
      return admitted.then((answer) => {
        admission = answer;
      });
    },
    admissionRefusal: () => {
      if (admission === undefined || admission.admitted) return undefined;
      return {
        status: admission.status,
        ...(admission.retryAfterSeconds === undefined
          ? {}
          : { retryAfterSeconds: admission.retryAfterSeconds }),
        errors: admission.errors.map((error) => stages.mask(error)),
      };
    },
    executing: () => stages.executing(trace),
    answered: (errors) => {
      const cost = admission?.cost;
      const notices = stages.notices(trace);
      // The cost report first, then the notices (a notice's `cost` replaces it).
      const extensions: Record<string, unknown> =
        cost === undefined ? { ...notices } : Object.assign({ cost }, notices);
      const retryAfterSeconds = retryAfterOf(errors);
      stages.report(trace, errors);
      stages.finish(trace);
      return retryAfterSeconds === undefined ? { extensions } : { extensions, retryAfterSeconds };
    },
  };
}

/** Starts an HTTP operation's session: its stages before Apollo parses (see HttpSession). */
export async function startHttpSession(
  steps: RunnerSteps,
  received: ReceivedHttpOperation,
): Promise<HttpSession> {
  const { stages } = steps;
  const sent = received.request;
  // The operation span continues the http instrumentation's server span (tracing on), else the
  // request's own `traceparent`.
  const parent = { carriers: received.traceCarriers, inheritActive: true };
  const trace = stages.start(
    "http",
    received.requestId,
    sent === null ? { parent } : { request: sent, parent },
  );
  const refused = (refusal: HttpRefusal) => {
    stages.finish(trace);
    return session(steps, trace, { refusal });
  };
  // Stage 0 before Apollo parses anything: the trusted document the request names, or a refusal.
  const resolved = sent === null ? undefined : stages.resolveDocument(trace, sent);
  if (resolved !== undefined && !resolved.admitted) {
    return refused({ error: resolved.error, status: resolved.status });
  }
  const request =
    sent === null || resolved === undefined || resolved.query === sent.query
      ? sent
      : { ...sent, query: resolved.query };
  // Authentication answered now (a remembered token) is not waited for.
  const verifying = stages.authenticate(trace, received.credentials, request ?? undefined);
  const auth = verifying instanceof Promise ? await verifying : verifying;
  if (!auth.admitted) return refused({ error: auth.error, status: auth.status });
  // Admission before parsing: the same one place as `runOperation`'s.
  const gated = await admitBeforeParsing(steps, trace);
  if (gated !== undefined) {
    const [error] = gated.errors as [GraphQLError];
    return refused({
      error,
      status: gated.status,
      ...(gated.retryAfterSeconds === undefined
        ? {}
        : { retryAfterSeconds: gated.retryAfterSeconds }),
    });
  }
  // Apollo answers some requests itself after this (a batch, a malformed field) without the
  // plugin's hooks, so `finish` never runs for them: the turn ends with the answer anyway.
  void received.answered?.then(() => stages.endTurn(trace));
  // Stage 2a's analysis before Apollo parses and validates a text it has not cached: a spent
  // budget refused before parsing, a document over the validation-work bound refused before
  // graphql-js's rules run, the analysis cost set (Apollo then parses again and validates).
  const query = request?.query;
  if (typeof query === "string" && !stages.documentCached(query)) {
    const analysed = await stages.analyse(trace, query);
    if (!("document" in analysed)) {
      const [error] = analysed.errors as [GraphQLError];
      return refused({
        error,
        status: analysed.status,
        ...(analysed.retryAfterSeconds === undefined
          ? {}
          : { retryAfterSeconds: analysed.retryAfterSeconds }),
      });
    }
  }
  const context = stages.buildContext(trace);
  const trustedText =
    resolved?.documentId != null && typeof resolved.query === "string" ? resolved.query : undefined;
  return session(steps, trace, { context, ...(trustedText === undefined ? {} : { trustedText }) });
}

/** The session of an operation Apollo runs with a context it was given (`executeOperation`). */
export function adoptHttpSession(steps: RunnerSteps, trace: OperationTrace): HttpSession {
  return session(steps, trace, {});
}
