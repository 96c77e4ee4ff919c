import type { IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";
import { useServer } from "graphql-ws/use/ws";
import { WebSocketServer } from "ws";
import type { GatewayConfig } from "../config/config.js";
import { boundedText } from "../observability/bounded-text.js";
import type { Logger } from "../observability/logger.js";
import type { OperationRunner } from "../pipeline/runner.js";
import { graphqlWsHooks } from "./graphql-ws.js";
import { refuseHandshake } from "./handshake-refusal.js";
import { originAllowed } from "./origin-check.js";
import type { SocketLimits } from "./socket-limits.js";

/** The one path that serves WebSockets (graphql-ws), beside GraphQL over HTTP. */
const WS_PATH = "/graphql";
/** Largest WebSocket message accepted (OWASP: keep it small). */
export const WS_MAX_PAYLOAD_BYTES = 64 * 1024;
/** The JSON answer to an upgrade from an Origin not allowed (every error answer has a code). */
const ORIGIN_REFUSED = JSON.stringify({
  error: { code: "FORBIDDEN", message: "Origin not allowed." },
});

/** What the WebSocket endpoint is built from. */
export interface WsServerOptions {
  httpServer: Server;
  config: GatewayConfig;
  /** Every operation on every socket is its, as on HTTP. */
  runner: OperationRunner;
  /** The per-customer cap, shared with the streaming HTTP transports; per-socket limits. */
  socketLimits: SocketLimits;
  logger: Logger;
}

/** The running WebSocket endpoint. */
export interface WsServerHandle {
  /** Open sockets (for metrics). */
  socketCount(): number;
  /** Completes every subscription and closes every socket with 1001 (going away). */
  close(): Promise<void>;
}

/**
 * Serves graphql-ws on `/graphql` of the gateway's HTTP server. At upgrade, a browser Origin must
 * be allowed and messages are capped at WS_MAX_PAYLOAD_BYTES; an upgrade to another path or a
 * malformed handshake is refused with a JSON error answer; everything after the upgrade is
 * the graphql-ws adapter's (`transports/graphql-ws.ts`): authentication at connection_init
 * (4403), the customer's socket cap (4429), the token's expiry (4403), and each operation
 * through the pipeline with the same limits, cost admission, masking, log line and metrics as HTTP.
 */
export function attachGraphqlWs(options: WsServerOptions): WsServerHandle {
  const { config, logger } = options;
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: WS_MAX_PAYLOAD_BYTES,
    verifyClient: (info, done) => {
      const allowed = originAllowed(info.origin, config.allowedOrigins);
      if (!allowed) logger.warn({ origin: boundedText(info.origin) }, "websocket origin refused");
      done(allowed, 403, ORIGIN_REFUSED, { "Content-Type": "application/json" });
    },
  });
  // Malformed handshakes (method, key, version, protocol headers): JSON, like every error answer.
  wss.on("wsClientError", (error: Error, socket: Duplex, request: IncomingMessage) => {
    const [status, code] =
      request.method === "GET" ? [400, "BAD_REQUEST"] : [405, "METHOD_NOT_ALLOWED"];
    refuseHandshake(socket, status, code, `WebSocket handshake refused: ${error.message}.`);
  });
  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = new URL(request.url ?? "/", "http://gateway").pathname;
    if (path !== WS_PATH) {
      refuseHandshake(socket, 404, "NOT_FOUND", `No WebSocket is served here; use ${WS_PATH}.`);
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => wss.emit("connection", ws, request));
  };
  options.httpServer.on("upgrade", onUpgrade);
  const server = useServer(graphqlWsHooks(options.runner, options.socketLimits), wss);
  return {
    socketCount: () => wss.clients.size,
    close: async () => {
      options.httpServer.off("upgrade", onUpgrade);
      for (const socket of wss.clients) socket.close(1001, "Server shutting down");
      await server.dispose();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
