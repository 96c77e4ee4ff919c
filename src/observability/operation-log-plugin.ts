import type { ApolloServerPlugin } from "@apollo/server";
import type { GatewayContext } from "../graphql/context.js";
import type { Logger } from "./logger.js";

/**
 * Logs one line per GraphQL operation: its name and type, duration, Stripe calls by route and in
 * total, and the error codes it answered with. Never the response (it may hold a relink
 * `clientSecret`) and never variables' values above trace level.
 */
export function operationLogPlugin(logger: Logger): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart({ request }) {
      const started = performance.now();
      logger.trace(
        { query: request.query, operationName: request.operationName },
        "graphql request",
      );
      return {
        async willSendResponse({ contextValue, operation, errors }) {
          const stripeCalls = Object.fromEntries(contextValue.stripeCalls ?? new Map());
          const total = Object.values(stripeCalls).reduce((sum, count) => sum + count, 0);
          logger.info(
            {
              operation: operation?.name?.value ?? null,
              type: operation?.operation ?? null,
              durationMs: Math.round((performance.now() - started) * 10) / 10,
              stripeCalls: total,
              stripeCallsByRoute: stripeCalls,
              errorCodes: (errors ?? []).map(
                (error) => error.extensions.code ?? "INTERNAL_SERVER_ERROR",
              ),
            },
            "graphql operation",
          );
        },
      };
    },
  };
}
