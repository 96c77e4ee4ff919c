import type { IncomingMessage, ServerResponse } from "node:http";
import type { Request, RequestHandler } from "express";
import helmet from "helmet";

/**
 * The Content-Security-Policy of every answer that is not a playground page: API answers (JSON,
 * Prometheus text) load nothing, run nothing, and may not be framed.
 */
const API_POLICY = {
  defaultSrc: ["'none'"],
  baseUri: ["'none'"],
  formAction: ["'none'"],
  frameAncestors: ["'none'"],
};

/** True for the request Apollo answers with its landing page rather than JSON. */
const wantsLandingPage = (request: Request) =>
  request.method === "GET" &&
  request.path === "/graphql" &&
  request.accepts(["application/json", "application/graphql-response+json", "text/html"]) ===
    "text/html";

/**
 * Security headers on every HTTP answer, from helmet: `X-Content-Type-Options: nosniff`,
 * `X-Frame-Options: DENY`, `Referrer-Policy: no-referrer`, same-origin Cross-Origin-Opener- and
 * -Resource-Policy, a restrictive Content-Security-Policy (`default-src 'none'`; routes serving a page set their
 * own, see graphiqlRoute), and Strict-Transport-Security only in `production` (HSTS over plain
 * HTTP in development would pin browsers to HTTPS on localhost). With `landingPage`, Apollo's
 * landing page keeps the policy it ships in its HTML.
 */
export function securityHeaders(options: {
  production: boolean;
  landingPage: boolean;
}): RequestHandler {
  // API answers (all but the landing page) get the one precomputed list the lean GraphQL route
  // sets too: one implementation of the headers for every route, no helmet run per request.
  const apiHeaders = apiSecurityHeaderList(options);
  const headers = helmet({
    contentSecurityPolicy: false,
    strictTransportSecurity: options.production,
    xFrameOptions: { action: "deny" },
  });
  // Apollo's landing page (GET /graphql from a browser) carries its own policy in a <meta> tag,
  // with a nonce per request, for its scripts, styles and frames from Apollo's CDN. Policies add
  // up, so the header restricts only what a <meta> policy cannot: framing, <base>, plugins, forms.
  const landingPagePolicy = helmet.contentSecurityPolicy({
    useDefaults: false,
    directives: {
      defaultSrc: helmet.contentSecurityPolicy.dangerouslyDisableDefaultSrc,
      baseUri: ["'self'"],
      objectSrc: ["'none'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
    },
  });
  return (request, response, next) => {
    if (!(options.landingPage && wantsLandingPage(request))) {
      for (const [name, value] of apiHeaders) response.setHeader(name, value);
      next();
      return;
    }
    headers(request, response, (error?: unknown) => {
      if (error) next(error);
      else landingPagePolicy(request, response, next);
    });
  };
}

/**
 * The headers securityHeaders sets on an API answer (every answer but a playground page), as a
 * fixed list computed once by running the same helmet middlewares over a recorder: for a request
 * path that sets them itself without running helmet on every request. Helmet's answer depends
 * only on its options here (no per-request directive), so the list is what it would set.
 */
export function apiSecurityHeaderList(options: {
  production: boolean;
}): ReadonlyArray<readonly [string, string]> {
  const recorded = new Map<string, string>();
  const recorder = {
    setHeader: (name: string, value: unknown) => recorded.set(name.toLowerCase(), String(value)),
    removeHeader: (name: string) => recorded.delete(name.toLowerCase()),
    getHeader: (name: string) => recorded.get(name.toLowerCase()),
  } as unknown as ServerResponse;
  const request = { method: "POST", headers: {}, url: "/graphql" } as IncomingMessage;
  const failed = (error?: unknown) => {
    if (error) throw error;
  };
  helmet({
    contentSecurityPolicy: false,
    strictTransportSecurity: options.production,
    xFrameOptions: { action: "deny" },
  })(request, recorder, failed);
  helmet.contentSecurityPolicy({ useDefaults: false, directives: API_POLICY })(
    request,
    recorder,
    failed,
  );
  return [...recorded];
}
