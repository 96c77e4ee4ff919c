import { fileURLToPath } from "node:url";
import express, { type Router } from "express";
import type { GraphQLSchema } from "graphql";
import type { Logger } from "../../observability/logger.js";
import { sendError } from "../../transports/error-answers.js";
import type { SandboxPanelTarget } from "./availability.js";
import { sandboxControlProxy } from "./control-proxy.js";
import { devTokenRoute } from "./dev-token-route.js";
import { type StarterOperation, starterOperations } from "./starter-operations.js";

/** The panel's browser files (ours, served as they are), by the name they are served under. */
const PANEL_ASSETS = new Map<string, string>([
  ["panel-client.js", fileURLToPath(new URL("./panel-client.js", import.meta.url))],
  ["panel.css", fileURLToPath(new URL("./panel.css", import.meta.url))],
]);

/**
 * Everything of the development sandbox panel beside GraphiQL, mounted only where
 * sandboxPanelTarget allows (development with the embedded sandbox; see it for the terms):
 * - `GET /graphiql/panel/assets/{panel-client.js,panel.css}`: the panel (a GraphiQL plugin);
 * - `GET /graphiql/panel/starters`: the starter operations, from `examples/`;
 * - `POST /graphiql/panel/token`: a development token for a customer (devTokenRoute);
 * - `/graphiql/panel/sandbox/...`: allow-listed calls to the sandbox's control API
 *   (sandboxControlProxy).
 * Anything else under `/graphiql/panel/` falls through to the gateway's 404.
 */
export function sandboxPanelRoute(
  target: SandboxPanelTarget,
  schema: GraphQLSchema,
  logger: Logger,
): Router {
  let starters: StarterOperation[] | undefined;
  const router = express.Router();
  router.get("/graphiql/panel/assets/:name", (request, response) => {
    const file = PANEL_ASSETS.get(request.params.name);
    if (file === undefined) {
      sendError(response, 404, "NOT_FOUND", "No such panel asset.");
      return;
    }
    response.sendFile(file, { maxAge: 0, headers: { "x-content-type-options": "nosniff" } });
  });
  router.get("/graphiql/panel/starters", (_request, response) => {
    starters ??= starterOperations(schema);
    response.set("cache-control", "no-store").json({ starters });
  });
  router.use(devTokenRoute(target));
  router.use(sandboxControlProxy(target, logger));
  return router;
}
