import { renderAuthorization } from "../state/render-account.js";
import { expand } from "./expand.js";
import { findAuthorization } from "./lookup.js";
import { expandPaths, type RouteHandler } from "./route.js";

/** GET /v1/financial_connections/authorizations/{authorization} (preview). */
export const retrieveAuthorization: RouteHandler = (request) => {
  const authorization = findAuthorization(request.context, request.pathParams.authorization ?? "");
  const rendered = renderAuthorization(request.context.store, authorization);
  return expand(request.context, rendered, expandPaths(request.params));
};
