import express, { type Router } from "express";
import { signToken } from "../../auth/sign-token.js";
import { sendError } from "../../transports/error-answers.js";
import type { SandboxPanelTarget } from "./availability.js";
import { sameOriginJsonOnly } from "./same-origin.js";

/** Lifetime of a token the panel mints: one hour, as `npm run token` and the banner's. */
const DEV_TOKEN_TTL_SECONDS = 3600;

/** A Stripe customer id, as the sandbox makes them. */
const CUSTOMER_ID = /^cus_[A-Za-z0-9]{1,64}$/;

/**
 * `POST /graphiql/panel/token` `{customerId}` → `{token, customerId, expiresInSeconds}`: a
 * development token for that customer, signed with the gateway's own HS256 settings, so the
 * panel's customer switcher can fill GraphiQL's Authorization header. Mounted only where
 * sandboxPanelTarget allows (development with the embedded sandbox): everywhere else the path
 * does not exist. 400 `BAD_USER_INPUT` for a missing or malformed id (nothing signed); same-origin
 * JSON only (see sameOriginJsonOnly). The token is never logged.
 */
export function devTokenRoute(target: SandboxPanelTarget): Router {
  const router = express.Router();
  router.post(
    "/graphiql/panel/token",
    sameOriginJsonOnly(),
    express.json({ limit: 1024 }),
    async (request, response, next) => {
      try {
        const customerId: unknown = (request.body as { customerId?: unknown } | undefined)
          ?.customerId;
        if (typeof customerId !== "string" || !CUSTOMER_ID.test(customerId)) {
          sendError(response, 400, "BAD_USER_INPUT", "customerId must be a customer id (cus_…).");
          return;
        }
        const token = await signToken(target.auth, {
          customerId,
          ttlSeconds: DEV_TOKEN_TTL_SECONDS,
        });
        response
          .set("cache-control", "no-store")
          .json({ token, customerId, expiresInSeconds: DEV_TOKEN_TTL_SECONDS });
      } catch (error) {
        next(error);
      }
    },
  );
  return router;
}
