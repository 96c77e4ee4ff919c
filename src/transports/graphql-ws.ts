import { randomUUID } from "node:crypto";
import { GraphQLError, type GraphQLFormattedError } from "graphql";
import type { ServerOptions } from "graphql-ws";
import type { Extra } from "graphql-ws/use/ws";
import type { OperationRunner, TransportProfile, VerifiedCaller } from "../pipeline/runner.js";
import { socketOperationCap } from "./caller-admission.js";
import { carriedOutcome, carryOutcome, nextMessage } from "./graphql-ws-outcome.js";
import {
  CLOSE_SLOW_CONSUMER,
  type SocketHold,
  type SocketLimits,
  slotOwnerOf,
} from "./socket-limits.js";

/** What the adapter keeps per socket, in graphql-ws's `ctx.extra`. */
export interface SocketState {
  caller?: VerifiedCaller;
  /** The socket's slot in its customer's cap and its token's expiry. */
  hold?: SocketHold;
  /** Names this socket in log lines (`<socketId>:<operation id>`). */
  socketId?: string;
  /** The errors of each operation the runner refused, as sent, until they are sent. */
  refused?: Map<string, readonly GraphQLFormattedError[]>;
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

/**
 * graphql-ws (the graphql-transport-ws protocol) over the runner: bytes in, bytes out.
 * connection_init is the runner's `connect` with `connectionParams.authorization` (a refusal:
 * 4403); then `limits` count the socket against its customer, or its service token's own cap
 * (4429), and close it when the token expires (4403). Each subscribe message is the runner's
 * `run` (the socket's operation cap is this transport's admission of the caller); a refusal is
 * sent as `error` (its errors with `extensions.cost` when priced), a result or stream as `next`
 * messages, already masked (a stream's by the adapter, each event's payload serialised once for
 * every socket that resolved it alike). A subscription whose reader fell STREAM_MAX_PENDING_EVENTS behind
 * gets its SLOW_CONSUMER `error` and the socket is closed with 4413. Each operation's span
 * continues its subscribe message's `extensions`, else `connectionParams`, else the upgrade's
 * `traceparent`.
 */
export function graphqlWsHooks(runner: OperationRunner, limits: SocketLimits): Hooks {
  return {
    schema: runner.schema,
    onConnect: async (ctx) => {
      const params = ctx.connectionParams ?? {};
      const socketId = `ws-${randomUUID()}`;
      const connected = await runner.connect({
        connectionId: socketId,
        credentials: {
          authorization: text(params.authorization) ?? text(params.Authorization),
          actAsCustomer: text(params.actAsCustomer),
        },
        traceCarriers: [params, ctx.extra.request.headers],
      });
      if (!connected.admitted) return false;
      const { admitted: _admitted, ...caller } = connected;
      const hold = limits.open(ctx.extra.socket, slotOwnerOf(caller), caller.expiresAt);
      if (hold === undefined) return false;
      Object.assign(ctx.extra, { caller, socketId, hold });
      return true;
    },
    onClose: (ctx) => ctx.extra.hold?.release(),
    onSubscribe: async (ctx, id, payload) => {
      const state = ctx.extra;
      // graphql-ws registers the operation being subscribed before calling this hook.
      const websocket: TransportProfile = {
        name: "ws",
        label: "WebSocket",
        subscriptions: true,
        admitCaller: () => socketOperationCap(limits, Object.keys(ctx.subscriptions).length),
      };
      const socket = state.socket;
      const outcome = await runner.run(
        {
          requestId: `${state.socketId}:${id}`,
          caller: { verified: state.caller ?? { viewer: null } },
          request: payload,
          traceCarriers: [payload.extensions, ctx.connectionParams, state.request.headers],
          // A reader that falls too far behind: this operation's last message, then the socket closes.
          onSlowConsumer: (last) => {
            if (socket.readyState !== socket.OPEN || last.kind !== "ended") return;
            socket.send(JSON.stringify({ id, type: "error", payload: [last.error] }));
            socket.close(CLOSE_SLOW_CONSUMER, "Slow consumer");
          },
        },
        websocket,
      );
      if (outcome.kind === "refused") {
        const { cost } = outcome;
        state.refused ??= new Map();
        state.refused.set(
          id,
          outcome.errors.map((error) =>
            cost === undefined ? error : { ...error, extensions: { ...error.extensions, cost } },
          ),
        );
        return outcome.errors.map((error) => new GraphQLError(error.message));
      }
      // Stream items are sent here, each payload serialised once per answer (not per socket),
      // as graphql-ws's socket adapter sends: only while the socket is open, once written out.
      const message = nextMessage(id);
      const sendNext = (payloadJson: string) =>
        new Promise<void>((resolve, reject) => {
          if (socket.readyState !== socket.OPEN) return resolve();
          socket.send(message(payloadJson), (error) => (error ? reject(error) : resolve()));
        });
      return carryOutcome(runner.schema, outcome, sendNext);
    },
    execute: carriedOutcome,
    subscribe: carriedOutcome,
    // The runner's results are masked already: sent as they are (a single result; a stream's
    // items the adapter sends itself).
    onNext: (_ctx, _id, _payload, _args, result) => result,
    onError: (ctx, id, _payload, errors) => {
      const refused = ctx.extra.refused?.get(id);
      ctx.extra.refused?.delete(id);
      return refused ? [...refused] : errors.map((error) => runner.mask(error));
    },
  };
}
