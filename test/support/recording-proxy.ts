/**
 * An HTTP proxy between the real `stripe` SDK and the sandbox that records every raw exchange,
 * so each `/v1` response the SDK sees can be validated against the OpenAPI description.
 */
import { createServer, type IncomingHttpHeaders, request } from "node:http";
import { listen, readBody, shutdown } from "./http-server.js";
import { Changes, DEFAULT_WAIT_MS } from "./wait.js";

/** One request/response pair seen by the recording proxy; `status` undefined = dropped. */
export interface Exchange {
  method: string;
  path: string;
  requestHeaders: IncomingHttpHeaders;
  requestBody: string;
  status?: number;
  headers: IncomingHttpHeaders;
  body: string;
  elapsedMs: number;
}

/** An HTTP proxy on port 0 in front of `target` that records every exchange verbatim. */
export interface RecordingProxy {
  port: number;
  exchanges: Exchange[];
  /**
   * Resolves once `count` exchanges are recorded (answered or dropped by the upstream), so a
   * request the client gave up on is finished before the next test reads `exchanges`.
   */
  recorded: (count: number, timeoutMs?: number) => Promise<void>;
  close: () => Promise<void>;
}

/**
 * Rewrites one upstream answer on its way to the client: returns the body to send instead, or
 * undefined to pass it unchanged. The exchange is recorded as the upstream sent it.
 */
export type ResponseRewrite = (exchange: Exchange) => string | undefined;

/**
 * Starts the recording proxy. A connection the upstream drops is dropped towards the client too,
 * so the SDK sees the same connection error it would see without the proxy. `rewrite` lets a test
 * hand the client an answer the upstream would not give (a response shape Stripe might send).
 */
export async function startRecordingProxy(
  target: string,
  rewrite: ResponseRewrite = () => undefined,
): Promise<RecordingProxy> {
  const upstream = new URL(target);
  const exchanges: Exchange[] = [];
  const changes = new Changes();
  const record = (exchange: Exchange) => {
    exchanges.push(exchange);
    changes.notify();
  };
  const server = createServer((req, res) => {
    const started = Date.now();
    void readBody(req).then((requestBody) => {
      const base = {
        method: req.method ?? "GET",
        path: req.url ?? "/",
        requestHeaders: req.headers,
        requestBody: requestBody.toString("utf8"),
      };
      let settled = false;
      const drop = (): void => {
        if (settled) return;
        settled = true;
        record({ ...base, headers: {}, body: "", elapsedMs: Date.now() - started });
        res.destroy();
      };
      const forward = request(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: base.method,
          path: base.path,
          headers: { ...req.headers, host: upstream.host },
          agent: false,
        },
        (up) => {
          up.on("error", drop);
          void readBody(up).then((body) => {
            if (settled) return;
            settled = true;
            const status = up.statusCode ?? 0;
            const exchange: Exchange = {
              ...base,
              status,
              headers: up.headers,
              body: body.toString("utf8"),
              elapsedMs: Date.now() - started,
            };
            record(exchange);
            const rewritten = rewrite(exchange);
            const sent = rewritten === undefined ? body : Buffer.from(rewritten, "utf8");
            const headers = { ...up.headers };
            delete headers["transfer-encoding"];
            delete headers.connection;
            headers["content-length"] = String(sent.length);
            res.writeHead(status, headers).end(sent);
          }, drop);
        },
      );
      forward.on("error", drop);
      forward.end(requestBody);
    });
  });
  const port = await listen(server);
  return {
    port,
    exchanges,
    recorded: async (count, timeoutMs = DEFAULT_WAIT_MS) => {
      await changes.until(
        () => (exchanges.length >= count ? true : undefined),
        `${count} recorded exchanges (${exchanges.length} so far)`,
        timeoutMs,
      );
    },
    close: () => shutdown(server),
  };
}
