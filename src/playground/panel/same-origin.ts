import type { RequestHandler } from "express";
import { sendError } from "../../transports/error-answers.js";

/**
 * Guards the panel's state-changing calls against other web pages (cross-site request forgery
 * on a developer's localhost): a JSON body is required (a cross-origin `fetch` with it needs a
 * CORS preflight, which the gateway never grants here), and when the browser says where the call
 * comes from (`Origin`, `Sec-Fetch-Site`), it must be this page's own origin. 403 `FORBIDDEN`
 * otherwise, 415 `UNSUPPORTED_MEDIA_TYPE` without a JSON content type.
 */
export function sameOriginJsonOnly(): RequestHandler {
  return (request, response, next) => {
    if (!request.is("application/json")) {
      sendError(
        response,
        415,
        "UNSUPPORTED_MEDIA_TYPE",
        "Send a JSON body (content-type: application/json).",
      );
      return;
    }
    const site = request.get("sec-fetch-site");
    const origin = request.get("origin");
    const host = request.get("host");
    const crossSite = site !== undefined && site !== "same-origin" && site !== "none";
    let foreignOrigin = false;
    if (origin !== undefined) {
      try {
        foreignOrigin = new URL(origin).host !== host;
      } catch {
        foreignOrigin = true;
      }
    }
    if (crossSite || foreignOrigin) {
      sendError(response, 403, "FORBIDDEN", "The sandbox panel only answers its own page.");
      return;
    }
    next();
  };
}
