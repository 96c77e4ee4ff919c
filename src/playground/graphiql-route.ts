import type { IncomingMessage } from "node:http";
import express, { type Router } from "express";
import helmet from "helmet";
import { sendError } from "../transports/error-answers.js";
import { playgroundAssets } from "./assets.js";

/** The page; with the sandbox panel, its stylesheet and its script (before ours, so it is there). */
const page = (panel: boolean) => `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>GraphiQL · Financial Connections gateway</title>
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <link rel="icon" href="data:," />
    <link rel="stylesheet" href="/graphiql/assets/graphiql.css" />${panel ? '\n    <link rel="stylesheet" href="/graphiql/panel/assets/panel.css" />' : ""}
    <style>
      body { margin: 0; height: 100vh; display: flex; flex-direction: column; font-family: system-ui, sans-serif; }
      #transport-bar { padding: 4px 12px; font-size: 13px; border-bottom: 1px solid #ddd; }
      #graphiql { flex: 1; min-height: 0; }
    </style>
  </head>
  <body>
    <div id="transport-bar">
      <label for="subscription-transport">Subscriptions over</label>
      <select id="subscription-transport">
        <option value="ws">WebSocket (graphql-ws, /graphql)</option>
        <option value="sse">Server-Sent Events (graphql-sse, /graphql/stream)</option>
      </select>
    </div>
    <div id="graphiql">Loading GraphiQL…</div>
    <script src="/graphiql/assets/react.js"></script>
    <script src="/graphiql/assets/react-dom.js"></script>
    <script src="/graphiql/assets/graphiql.js"></script>
    <script src="/graphiql/assets/graphql-sse.js"></script>${panel ? '\n    <script type="module" src="/graphiql/panel/assets/panel-client.js"></script>' : ""}
    <script type="module" src="/graphiql/assets/graphiql-client.js"></script>
  </body>
</html>
`;

/** A Host header that is a plain host name or address with an optional port, nothing more. */
const PLAIN_HOST = /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/** The page's own WebSocket origins (graphql-ws on `/graphql`); none when Host is unusual. */
const sameHostSockets = (request: IncomingMessage): string[] => {
  const host = request.headers.host;
  return host !== undefined && PLAIN_HOST.test(host) ? [`ws://${host}`, `wss://${host}`] : [];
};

/**
 * Only our own files, no inline script, no eval, no third-party origin (the page works fully
 * offline); React and GraphiQL set inline styles, and the only connections are back to this
 * gateway: HTTP for queries, its WebSocket or its SSE endpoint for subscriptions.
 */
const pagePolicy = helmet.contentSecurityPolicy({
  useDefaults: false,
  directives: {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'", "'unsafe-inline'"],
    imgSrc: ["'self'", "data:"],
    fontSrc: ["'self'", "data:"],
    connectSrc: [(request) => ["'self'", ...sameHostSockets(request)].join(" ")],
    objectSrc: ["'none'"],
    baseUri: ["'none'"],
    formAction: ["'none'"],
    frameAncestors: ["'none'"],
  },
});

/**
 * `GET /graphiql`: GraphiQL served from npm packages (no CDN), talking to `/graphql` over HTTP for
 * queries and mutations and, for subscriptions, over graphql-ws or (the page's "Subscriptions
 * over" select, or `?transport=sse`) graphql-sse on `/graphql/stream`, with the bearer token
 * typed in its header editor. Mounted in development only (or when the landing page is enabled).
 * With `panel` (development with the embedded sandbox only, see sandboxPanelTarget), the page also
 * loads the sandbox panel, which GraphiQL shows in its sidebar.
 */
export function graphiqlRoute(options: { panel: boolean } = { panel: false }): Router {
  const html = page(options.panel);
  const assets = playgroundAssets();
  const router = express.Router();
  router.get("/graphiql", pagePolicy, (_request, response) => {
    response.type("html").send(html);
  });
  router.get("/graphiql/assets/*path", (request, response) => {
    const name = ([] as string[]).concat(request.params.path ?? []).join("/");
    const file = assets.get(name);
    if (file === undefined) {
      sendError(response, 404, "NOT_FOUND", "No such playground asset.");
      return;
    }
    response.sendFile(file, { maxAge: "1h", headers: { "x-content-type-options": "nosniff" } });
  });
  return router;
}
