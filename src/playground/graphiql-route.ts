import express, { type Router } from "express";
import { sendError } from "../server/error-answers.js";
import { playgroundAssets } from "./assets.js";

const PAGE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>GraphiQL · Financial Connections gateway</title>
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <link rel="stylesheet" href="/graphiql/assets/graphiql.css" />
    <style>body { margin: 0; height: 100vh; } #graphiql { height: 100vh; }</style>
  </head>
  <body>
    <div id="graphiql">Loading GraphiQL…</div>
    <script src="/graphiql/assets/react.js"></script>
    <script src="/graphiql/assets/react-dom.js"></script>
    <script src="/graphiql/assets/graphiql.js"></script>
    <script type="module" src="/graphiql/assets/graphiql-client.js"></script>
  </body>
</html>
`;

/** Only our own files, no inline script, no third-party origin: the page works fully offline. */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self' ws: wss:",
].join("; ");

/**
 * `GET /graphiql`: GraphiQL served from npm packages (no CDN), talking to `/graphql` over HTTP for
 * queries and mutations and over graphql-ws for subscriptions, with the bearer token typed in its
 * header editor. Mounted in development only (or when the landing page is enabled).
 */
export function graphiqlRoute(): Router {
  const assets = playgroundAssets();
  const router = express.Router();
  router.get("/graphiql", (_request, response) => {
    response.setHeader("content-security-policy", CONTENT_SECURITY_POLICY);
    response.type("html").send(PAGE);
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
