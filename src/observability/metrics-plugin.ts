import type { ApolloServerPlugin } from "@apollo/server";
import type { GatewayContext } from "../graphql/context.js";
import { toClientError } from "../graphql/errors.js";
import type { GatewayMetrics } from "./metrics.js";

/**
 * Counts every GraphQL operation over HTTP (by type and name), its duration, and each error it
 * answered with (by the code the client saw), including requests refused while building the
 * context (bad tokens).
 */
export function metricsPlugin(metrics: GatewayMetrics): ApolloServerPlugin<GatewayContext> {
  return {
    async contextCreationDidFail({ error }) {
      metrics.errors.inc({ code: toClientError(error).code });
    },
    async requestDidStart() {
      const started = performance.now();
      return {
        async willSendResponse({ operation, errors }) {
          const type = operation?.operation ?? "unknown";
          metrics.operations.inc({ type, name: metrics.operationLabel(operation?.name?.value) });
          metrics.operationDuration.observe({ type }, (performance.now() - started) / 1000);
          for (const error of errors ?? []) metrics.errors.inc({ code: toClientError(error).code });
        },
      };
    },
  };
}
