import { randomUUID } from "node:crypto";
import type { GraphQLError, GraphQLFormattedError } from "graphql";
import type { ServerOptions } from "graphql-ws";
import type { Extra } from "graphql-ws/use/ws";
import type { Viewer } from "../data/viewer.js";
import { codedError } from "../errors/coded-error.js";
import type { CostReport } from "../limits/cost-admission.js";
import type { OperationTrace, TransportAbilities } from "../pipeline/operation-trace.js";
import type { OperationPipeline } from "../pipeline/pipeline.js";
import {
  CLOSE_SLOW_CONSUMER,
  type SocketHold,
  type SocketLimits,
  slotOwnerOf,
} from "../subscriptions/socket-limits.js";
import { slowConsumerError } from "./slow-consumer.js";

/** A socket streams results: it serves subscriptions as well as queries and mutations. */
const WEBSOCKET: TransportAbilities = { name: "WebSocket", subscriptions: true };

/** What the adapter keeps per socket, in graphql-ws's `ctx.extra`. */
export interface SocketState {
  viewer?: Viewer;
  /** The socket's slot in its customer's cap and its token's expiry. */
  hold?: SocketHold;
  /** Names this socket in log lines (`<socketId>:<operation id>`). */
  socketId?: string;
  /** Each running operation's trace and cost report, by operation id. */
  running?: Map<string, { trace: OperationTrace; cost: CostReport | undefined }>;
  /** The cost report of each operation refused before it ran, until its error is sent. */
  refusedCosts?: Map<string, CostReport | undefined>;
}

type ConnectionParams = {
  authorization?: unknown;
  Authorization?: unknown;
  actAsCustomer?: unknown;
  /** A W3C trace context for the socket's operations (else the upgrade request's headers). */
  traceparent?: unknown;
  tracestate?: unknown;
};

type Hooks = ServerOptions<ConnectionParams, Extra & Partial<SocketState>>;

const text = (value: unknown) => (typeof value === "string" ? value : undefined);

/** A masked error with the operation's cost report (a socket's error message has no other place). */
const withCost = (error: GraphQLFormattedError, cost: CostReport | undefined) =>
  cost === undefined ? error : { ...error, extensions: { ...error.extensions, cost } };

/**
 * Maps graphql-ws (the graphql-transport-ws protocol) onto the pipeline. connection_init is
 * stage 1, with `connectionParams.authorization` as the credentials: a refused or anonymous
 * caller is finished (one log line, counted as an unauthenticated operation of unknown type) and
 * the socket closed with 4403; then `limits` count the socket against its customer, or its
 * service token's own cap when a service token acts as the customer (4429), and
 * close it when the token expires (4403). Each subscribe message is admitted (the socket's
 * operation cap, then its trusted document — a payload may name one by `documentId` or
 * `extensions.persistedQuery` with an empty `query` — then the document, then the operation), given its context and run; its
 * results' and errors' messages are masked (with `extensions.cost` when priced, and each result
 * with the pipeline's notices, such as a stale read-model copy served; a subscription whose reader
 * fell STREAM_MAX_PENDING_EVENTS behind gets a SLOW_CONSUMER `error` and the socket is closed with
 * 4413), and the trace
 * is finished when the operation completes, or at once when it was refused. Each operation's span
 * continues the W3C trace context of its subscribe message's `extensions`, else the socket's
 * `connectionParams`, else the upgrade request's `traceparent` header.
 */
export function graphqlWsHooks(
  pipeline: OperationPipeline,
  limits: SocketLimits,
  /** STREAM_MAX_PENDING_EVENTS, for the SLOW_CONSUMER error's message. */
  maxPendingEvents: number,
): Hooks {
  return {
    schema: pipeline.schema,
    onConnect: async (ctx) => {
      const params = ctx.connectionParams ?? {};
      const socketId = `ws-${randomUUID()}`;
      const trace = pipeline.start("ws", socketId, {
        parent: { carriers: [params, ctx.extra.request.headers] },
      });
      const auth = await pipeline.authenticate(trace, {
        authorization: text(params.authorization) ?? text(params.Authorization),
        actAsCustomer: text(params.actAsCustomer),
      });
      // With no operation to look at, no caller is admitted anonymously.
      if (!auth.admitted || auth.viewer === null) {
        pipeline.finish(trace);
        return false;
      }
      // A socket let in is not an operation: its trace ends here unrecorded.
      pipeline.release(trace);
      const owner = slotOwnerOf({ viewer: auth.viewer, service: auth.service });
      const hold = limits.open(ctx.extra.socket, owner, auth.expiresAt);
      if (hold === undefined) return false;
      Object.assign(ctx.extra, { viewer: auth.viewer, socketId, hold });
      return true;
    },
    onClose: (ctx) => ctx.extra.hold?.release(),
    onSubscribe: async (ctx, id, payload) => {
      const state = ctx.extra;
      const trace = pipeline.start("ws", `${state.socketId}:${id}`, {
        request: payload,
        viewer: state.viewer ?? null,
        parent: {
          carriers: [payload.extensions, ctx.connectionParams, state.request.headers],
        },
      });
      const refuse = (errors: readonly GraphQLError[], cost?: CostReport) => {
        pipeline.finish(trace);
        state.refusedCosts ??= new Map();
        state.refusedCosts.set(id, cost);
        return errors;
      };
      // graphql-ws registers the operation being subscribed before calling this hook.
      if (Object.keys(ctx.subscriptions).length > limits.maxOperationsPerSocket) {
        const message = `At most ${limits.maxOperationsPerSocket} operations per socket.`;
        const error = codedError("SUBSCRIPTION_LIMIT", message);
        return refuse([pipeline.refuse(trace, error)]);
      }
      // The id's trusted document, or the refusal of an ad-hoc one, before anything parses.
      const resolved = pipeline.resolveDocument(trace, payload);
      if (!resolved.admitted) return refuse([resolved.error]);
      const parsed = await pipeline.admitDocument(trace, resolved.query);
      if ("errors" in parsed) return refuse(parsed.errors);
      const { operationName, variables } = payload;
      const admission = await pipeline.admit(
        trace,
        { document: parsed.document, operationName, variables },
        WEBSOCKET,
      );
      if (!admission.admitted) return refuse(admission.errors, admission.cost);
      const contextValue = pipeline.buildContext(trace);
      // A reader that falls too far behind: this operation's last message, then the socket closes.
      contextValue.onSlowConsumer = () => {
        const error = slowConsumerError(maxPendingEvents);
        pipeline.report(trace, [error]);
        const socket = ctx.extra.socket;
        if (socket.readyState !== socket.OPEN) return;
        socket.send(JSON.stringify({ id, type: "error", payload: [pipeline.mask(error)] }));
        socket.close(CLOSE_SLOW_CONSUMER, "Slow consumer");
      };
      pipeline.executing(trace);
      state.running ??= new Map();
      state.running.set(id, { trace, cost: admission.cost });
      return {
        schema: pipeline.schema,
        document: parsed.document,
        variableValues: variables ?? undefined,
        operationName: operationName ?? undefined,
        contextValue,
      };
    },
    onNext: (ctx, id, _payload, _args, result) => {
      const running = ctx.extra.running?.get(id);
      if (running) pipeline.report(running.trace, result.errors ?? []);
      const cost = running?.cost;
      const notices = running ? pipeline.notices(running.trace) : {};
      const extended = cost !== undefined || Object.keys(notices).length > 0;
      if (!result.errors && !extended) return undefined;
      return {
        ...result,
        errors: result.errors?.map((error) => pipeline.mask(error)),
        ...(extended
          ? {
              extensions: {
                ...result.extensions,
                ...(cost === undefined ? {} : { cost }),
                ...notices,
              },
            }
          : {}),
      };
    },
    onError: (ctx, id, _payload, errors) => {
      const running = ctx.extra.running?.get(id);
      // A running operation's source failed; a refused one was recorded when it was refused.
      if (running) pipeline.report(running.trace, errors);
      const cost = running ? undefined : ctx.extra.refusedCosts?.get(id);
      ctx.extra.refusedCosts?.delete(id);
      return errors.map((error) => withCost(pipeline.mask(error), cost));
    },
    onComplete: (ctx, id) => {
      const running = ctx.extra.running?.get(id);
      ctx.extra.running?.delete(id);
      if (running) pipeline.finish(running.trace);
    },
  };
}
