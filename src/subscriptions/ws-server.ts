import { randomUUID } from "node:crypto";
import type { Server } from "node:http";
import {
  type DocumentNode,
  GraphQLError,
  type GraphQLSchema,
  getOperationAST,
  type ParseOptions,
  parse,
  specifiedRules,
  type ValidationRule,
  validate,
} from "graphql";
import { useServer } from "graphql-ws/use/ws";
import { WebSocketServer } from "ws";
import type { TokenVerifier } from "../auth/token-verifier.js";
import { authenticate } from "../auth/viewer-from-request.js";
import type { GatewayConfig } from "../config/config.js";
import type { Viewer } from "../data/viewer.js";
import type { GatewayContext } from "../graphql/context.js";
import type { CostReport, OperationGate } from "../limits/operation-gate.js";
import { boundedText } from "../observability/bounded-text.js";
import type { Logger } from "../observability/logger.js";
import { logOperation, type OperationRecord } from "../observability/operation-line.js";
import { errorFormatter } from "../server/format-error.js";
import { withoutSuggestions } from "../server/schema-exposure.js";
import { variableCoercionErrors } from "../server/variable-coercion.js";
import { atDeadline, type Deadline } from "./deadline-timer.js";
import { originAllowed } from "./origin-check.js";

/** Largest WebSocket message accepted (OWASP: keep it small). */
export const WS_MAX_PAYLOAD_BYTES = 64 * 1024;
/** Close code for a customer over its socket cap (graphql-ws leaves 4400-4499 to servers). */
export const CLOSE_TOO_MANY_SOCKETS = 4429;
/** graphql-ws's close code for a refused or expired token. */
export const CLOSE_FORBIDDEN = 4403;
/** The JSON answer to an upgrade from an Origin not allowed (every error answer has a code). */
const ORIGIN_REFUSED = JSON.stringify({
  error: { code: "FORBIDDEN", message: "Origin not allowed." },
});

/** The log record of an operation starting on a socket (its Stripe calls accrue in its context). */
function startedOperation(
  document: DocumentNode,
  operationName: string | null | undefined,
  requestId: string,
  context: GatewayContext,
): OperationRecord {
  const operation = getOperationAST(document, operationName ?? undefined);
  return {
    transport: "ws",
    requestId,
    operation: operation?.name?.value ?? null,
    type: operation?.operation ?? null,
    startedAt: performance.now(),
    stripeCalls: context.stripeCalls,
    errors: [],
  };
}

/** What the WebSocket endpoint is built from. */
export interface WsServerOptions {
  httpServer: Server;
  schema: GraphQLSchema;
  config: GatewayConfig;
  verifyToken: TokenVerifier;
  contextFor: (viewer: Viewer) => GatewayContext;
  logger: Logger;
  /** Validation rules beyond the spec's, the same ones HTTP applies. */
  extraRules?: readonly ValidationRule[];
  /** Parser options, the same as HTTP's (the token limit). */
  parseOptions?: ParseOptions;
  /** Strips "Did you mean" suggestions from every error (when introspection is off). */
  hideSuggestions?: boolean;
  /** Prices and charges each operation before it runs, as on HTTP; a refusal is sent as its error. */
  gate?: OperationGate;
}

/** The running WebSocket endpoint. */
export interface WsServerHandle {
  /** Open sockets (for metrics). */
  socketCount(): number;
  /** Completes every subscription and closes every socket with 1001 (going away). */
  close(): Promise<void>;
}

type SocketState = {
  viewer?: Viewer;
  expiry?: Deadline;
  /** The cost report of each running operation, by id, added to its results' `extensions`. */
  costs?: Map<string, CostReport>;
  /** Names this socket in log lines (`<socketId>:<operation id>`). */
  socketId?: string;
  /** Operations running on this socket, for their log line when they complete. */
  operations?: Map<string, OperationRecord>;
};

type ConnectionParams = {
  authorization?: unknown;
  Authorization?: unknown;
  actAsCustomer?: unknown;
};

const text = (value: unknown) => (typeof value === "string" ? value : undefined);

/**
 * Serves graphql-ws on `/graphql` of the gateway's HTTP server. At upgrade, a browser Origin must
 * be allowed. At connection_init, `connectionParams.authorization` (`Bearer <jwt>`) is verified
 * like the HTTP header: a missing, bad or expired token closes the socket with 4403, and so does
 * the token's expiry later on; a customer over its socket cap gets 4429. Every operation is
 * parsed and validated with the same limits as HTTP and passed through the same cost gate (a
 * subscription is charged once, when it starts; its results carry `extensions.cost`), a socket
 * holds at most the configured number of subscriptions, and errors are masked as on HTTP.
 */
export function attachGraphqlWs(options: WsServerOptions): WsServerHandle {
  const { config, logger } = options;
  const limits = config.websocket;
  const socketsByCustomer = new Map<string, number>();
  const wss = new WebSocketServer({
    server: options.httpServer,
    path: "/graphql",
    maxPayload: WS_MAX_PAYLOAD_BYTES,
    verifyClient: (info, done) => {
      const allowed = originAllowed(info.origin, limits.allowedOrigins, config.production);
      if (!allowed) logger.warn({ origin: boundedText(info.origin) }, "websocket origin refused");
      done(allowed, 403, ORIGIN_REFUSED, { "Content-Type": "application/json" });
    },
  });
  const rules = [...specifiedRules, ...(options.extraRules ?? [])];
  const formatError = errorFormatter({ hideSuggestions: options.hideSuggestions ?? false });

  const release = (state: SocketState) => {
    state.expiry?.cancel();
    const customerId = state.viewer?.customerId;
    if (customerId === undefined) return;
    const remaining = (socketsByCustomer.get(customerId) ?? 1) - 1;
    if (remaining <= 0) socketsByCustomer.delete(customerId);
    else socketsByCustomer.set(customerId, remaining);
    state.viewer = undefined;
  };

  const server = useServer<ConnectionParams, SocketState>(
    {
      schema: options.schema,
      onConnect: async (ctx) => {
        const params = ctx.connectionParams ?? {};
        const auth = await authenticate(
          options.verifyToken,
          text(params.authorization) ?? text(params.Authorization),
          text(params.actAsCustomer),
        );
        if (auth.status !== "authenticated") return false;
        const { customerId } = auth.viewer;
        const open = socketsByCustomer.get(customerId) ?? 0;
        if (open >= limits.maxSocketsPerCustomer) {
          ctx.extra.socket.close(CLOSE_TOO_MANY_SOCKETS, "Too many sockets for this customer");
          return false;
        }
        socketsByCustomer.set(customerId, open + 1);
        ctx.extra.viewer = auth.viewer;
        ctx.extra.socketId = `ws-${randomUUID()}`;
        const expiresAt = auth.identity.expiresAt;
        if (expiresAt !== undefined) {
          const socket = ctx.extra.socket;
          // Not a bare setTimeout: a delay over 24.8 days would fire at once.
          ctx.extra.expiry = atDeadline(expiresAt * 1000, () =>
            socket.close(CLOSE_FORBIDDEN, "Token expired"),
          );
        }
        return true;
      },
      onClose: (ctx) => release(ctx.extra),
      onSubscribe: async (ctx, id, payload) => {
        const viewer = ctx.extra.viewer;
        if (viewer === undefined) return [new GraphQLError("Not authenticated.")];
        // graphql-ws registers the operation being subscribed before calling this hook.
        if (Object.keys(ctx.subscriptions).length > limits.maxSubscriptionsPerSocket) {
          return [
            new GraphQLError(`At most ${limits.maxSubscriptionsPerSocket} operations per socket.`, {
              extensions: { code: "SUBSCRIPTION_LIMIT" },
            }),
          ];
        }
        let document: ReturnType<typeof parse>;
        try {
          document = parse(payload.query, options.parseOptions);
        } catch (error) {
          return [error instanceof GraphQLError ? error : new GraphQLError("Syntax error.")];
        }
        const errors = validate(options.schema, document, rules);
        if (errors.length > 0)
          return options.hideSuggestions ? errors.map(withoutSuggestions) : errors;
        // As on HTTP: variables that do not coerce are BAD_USER_INPUT, refused before the gate.
        const badVariables = variableCoercionErrors(
          options.schema,
          document,
          payload.operationName,
          payload.variables,
          options.hideSuggestions ?? false,
        );
        if (badVariables.length > 0) return badVariables;
        const admission = await options.gate?.admit({
          document,
          operationName: payload.operationName,
          variables: payload.variables,
          viewer,
        });
        const rejection = admission?.rejection;
        if (rejection) {
          const extensions = { code: rejection.code, cost: admission?.cost };
          return [new GraphQLError(rejection.message, { extensions })];
        }
        if (admission) {
          ctx.extra.costs ??= new Map();
          ctx.extra.costs.set(id, admission.cost);
        }
        const contextValue = options.contextFor(viewer);
        ctx.extra.operations ??= new Map();
        ctx.extra.operations.set(
          id,
          startedOperation(
            document,
            payload.operationName,
            `${ctx.extra.socketId}:${id}`,
            contextValue,
          ),
        );
        return {
          schema: options.schema,
          document,
          variableValues: payload.variables ?? undefined,
          operationName: payload.operationName ?? undefined,
          contextValue,
        };
      },
      onNext: (ctx, id, _payload, _args, result) => {
        const record = ctx.extra.operations?.get(id);
        record?.errors.push(...(result.errors ?? []));
        const cost = ctx.extra.costs?.get(id);
        if (!result.errors && cost === undefined) return undefined;
        return {
          ...result,
          errors: result.errors?.map((error) => formatError(error.toJSON(), error)),
          ...(cost === undefined ? {} : { extensions: { ...result.extensions, cost } }),
        };
      },
      onComplete: (ctx, id) => {
        ctx.extra.costs?.delete(id);
        const record = ctx.extra.operations?.get(id);
        ctx.extra.operations?.delete(id);
        if (record) logOperation(logger, record);
      },
    },
    wss,
  );

  return {
    socketCount: () => wss.clients.size,
    close: async () => {
      for (const socket of wss.clients) socket.close(1001, "Server shutting down");
      await server.dispose();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
