import type { ApolloServerPlugin } from "@apollo/server";
import type { GatewayContext } from "../graphql/context.js";
import { boundedText } from "./bounded-text.js";
import type { Logger } from "./logger.js";
import { logOperation } from "./operation-line.js";

/**
 * Logs one line per GraphQL operation: its request id (`x-request-id`), name and type,
 * duration, Stripe calls by route and in total, and the error codes it answered with (see
 * `logOperation`; names over 100 characters are cut). At trace level, also the request as
 * received: its query text (bounded only by the body limit) and its `operationName` (cut). Never
 * the response (it may hold a relink `clientSecret`) and never variables' values above trace level.
 */
export function operationLogPlugin(logger: Logger): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart({ request }) {
      const started = performance.now();
      // Set (or made up) by requestIdMiddleware before Apollo sees the request.
      const requestId = request.http?.headers.get("x-request-id") ?? null;
      logger.trace(
        { requestId, query: request.query, operationName: boundedText(request.operationName) },
        "graphql request",
      );
      return {
        async willSendResponse({ contextValue, operation, errors }) {
          logOperation(logger, {
            transport: "http",
            requestId,
            operation: operation?.name?.value ?? null,
            type: operation?.operation ?? null,
            startedAt: started,
            stripeCalls: contextValue.stripeCalls,
            errors: [...(errors ?? [])],
          });
        },
      };
    },
  };
}
