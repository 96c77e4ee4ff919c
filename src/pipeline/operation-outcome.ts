/* What a transport hands the runner and what the runner answers: the runner's vocabulary. */
import type { FormattedExecutionResult, GraphQLFormattedError } from "graphql";
import type { Viewer } from "../auth/viewer.js";
import type { ErrorCode } from "../errors/error-codes.js";
import type { CostReport } from "../limits/cost-admission.js";
import type { TraceCarrier } from "../observability/operation-span.js";
import type { Credentials } from "./authenticate.js";
import type { OperationRequest, Transport } from "./operation-trace.js";
import type { OperationPipeline } from "./pipeline.js";
import type { ResultStream } from "./result-stream.js";

/** A refusal as the runner states it, before it is a client error: its code, message and status. */
export interface CallerRefusal {
  code: ErrorCode;
  message: string;
  /** The HTTP-style status (a socket's refusal has one too; the socket ignores it). */
  status: number;
}

/** A caller the runner verified (or a socket verified at connection_init). */
export interface VerifiedCaller {
  /** Null: anonymous introspection (development). */
  viewer: Viewer | null;
  /** The service token's subject, when a service token acts as `viewer`'s customer. */
  service?: string;
  /** The token's expiry (epoch seconds), when it has one. */
  expiresAt?: number;
}

/** What a transport's own admission of a verified caller decided. */
export type CallerAdmission =
  | { admitted: true; release(): void }
  | { admitted: false; refusal: CallerRefusal };

/** What a transport is, to the runner: its label, what it can carry, what it adds to admission. */
export interface TransportProfile {
  /** Its label in logs, metrics and traces. */
  name: Transport;
  /** Its name in messages ("WebSocket", "Server-Sent Events"). */
  label: string;
  /** It streams results, so it can serve subscriptions. */
  subscriptions: boolean;
  /**
   * The transport's own admission of a verified caller, before any document work: a stream's
   * slot in its customer's cap (released when the operation ends), a socket's operation cap.
   * `expire` ends the operation's stream (UNAUTHENTICATED "Token expired.") when the caller's
   * token expires while it runs.
   */
  admitCaller?(caller: VerifiedCaller, expire: () => void): CallerAdmission;
}

/** One operation as a transport received it. */
export interface ReceivedOperation {
  /** The request id (`X-Request-Id`), or `<socket>:<operation id>` on a socket, for the log line. */
  requestId: string | null;
  /** Credentials to verify, or the caller its connection verified (a socket, at connection_init). */
  caller: { credentials: Credentials } | { verified: VerifiedCaller };
  request: OperationRequest;
  /** A GET request: a mutation is refused (405), as GraphQL over HTTP refuses it. */
  readOnly?: boolean;
  /** Where the caller's W3C `traceparent` may be, in order of preference. */
  traceCarriers?: readonly TraceCarrier[];
  /** Parent the operation's span to the active span (an HTTP request's server span). */
  inheritActiveSpan?: boolean;
  /** Where a subscription resumes, said outside the document (SSE `Last-Event-ID`). */
  resumeAfter?: string;
  /**
   * Called once when a subscription's reader fell too far behind (STREAM_MAX_PENDING_EVENTS):
   * the transport writes `last` (a SLOW_CONSUMER error) at once and closes; the stream then ends.
   */
  onSlowConsumer?: (last: StreamItem) => void;
}

/** What a stream carries: an answer, or why the gateway ended it (the token expired). */
export type StreamItem =
  | { kind: "result"; result: FormattedExecutionResult }
  | { kind: "ended"; error: GraphQLFormattedError };

/**
 * The runner's answer: refused before anything ran (a status, masked errors, `Retry-After` when
 * rate limited, the cost report when it was priced), a single result (a query, a mutation, a
 * subscription whose source could not start), or the stream of a subscription's results. Every
 * result is masked and carries its cost report and notices; the operation's log line, metrics and
 * span are the runner's.
 */
export type OperationOutcome =
  | {
      kind: "refused";
      status: number;
      errors: GraphQLFormattedError[];
      retryAfterSeconds?: number;
      cost?: CostReport;
    }
  | { kind: "single"; result: FormattedExecutionResult }
  | { kind: "stream"; items: ResultStream<StreamItem> };

/** A socket's connection_init, as its transport received it. */
export interface ReceivedConnection {
  /** Names the socket in log lines. */
  connectionId: string;
  credentials: Credentials;
  traceCarriers?: readonly TraceCarrier[];
}

/** What connection_init decided: the verified caller, or a refusal (already logged and counted). */
export type ConnectionOutcome =
  | ({ admitted: true } & VerifiedCaller & { viewer: Viewer })
  | {
      admitted: false;
    };

/** The HTTP request Apollo Server carries, as the runner reads it. */
export interface ReceivedHttpOperation {
  requestId: string | null;
  credentials: Credentials;
  /** The operation (null for a body that is not one JSON object: Apollo refuses it). */
  request: OperationRequest | null;
  traceCarriers: readonly TraceCarrier[];
  /**
   * Settles once the answer is written, whatever wrote it: Apollo answers some requests itself
   * (a batch, a malformed field) without the plugin's hooks, so the fair turn ends then anyway.
   */
  answered?: Promise<void>;
}

/** What the runner's steps share. */
export interface RunnerSteps {
  stages: OperationPipeline;
  maxPendingEvents: number;
}
