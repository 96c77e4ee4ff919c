import type { ApolloServerPlugin } from "@apollo/server";
import type { GatewayContext } from "../graphql/context.js";
import { toClientError } from "../graphql/errors.js";
import type { GatewayMetrics } from "./metrics.js";

/**
 * Counts every GraphQL operation over HTTP (by type and name), its duration, and each error it
 * answered with (by the code the client saw), including requests refused while building the context (bad tokens:
 * counted with type "unknown"). The name label is the operation's own only when a verified viewer
 * sent it and it ran (see `GatewayMetrics.operationLabel`).
 */
export function metricsPlugin(metrics: GatewayMetrics): ApolloServerPlugin<GatewayContext> {
  return {
    async contextCreationDidFail({ error }) {
      const code = toClientError(error).code;
      metrics.errors.inc({ code });
      const authenticated = code !== "UNAUTHENTICATED";
      metrics.operations.inc({
        type: "unknown",
        name: metrics.operationLabel({ name: null, authenticated, executed: false }),
      });
    },
    async requestDidStart() {
      const started = performance.now();
      // Apollo calls executionDidStart only after parsing, validation and every plugin's
      // didResolveOperation (authentication, limits, the cost gate) let the operation through.
      let executed = false;
      return {
        async executionDidStart() {
          executed = true;
        },
        async willSendResponse({ operation, errors, contextValue }) {
          const type = operation?.operation ?? "unknown";
          const name = metrics.operationLabel({
            name: operation?.name?.value,
            authenticated: contextValue.viewer !== null,
            executed: executed && operation !== undefined,
          });
          metrics.operations.inc({ type, name });
          metrics.operationDuration.observe({ type }, (performance.now() - started) / 1000);
          for (const error of errors ?? []) metrics.errors.inc({ code: toClientError(error).code });
        },
      };
    },
  };
}
