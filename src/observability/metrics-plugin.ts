import type { ApolloServerPlugin } from "@apollo/server";
import type { GraphQLError } from "graphql";
import type { GatewayContext } from "../graphql/context.js";
import type { GatewayMetrics } from "./metrics.js";

const codeOf = (error: Pick<GraphQLError, "extensions">): string => {
  const code = error.extensions?.code;
  return typeof code === "string" ? code : "INTERNAL_SERVER_ERROR";
};

/**
 * Counts every GraphQL operation over HTTP (by type and name), its duration, and each error it
 * answered with (by code), including requests refused while building the context (bad tokens).
 */
export function metricsPlugin(metrics: GatewayMetrics): ApolloServerPlugin<GatewayContext> {
  return {
    async contextCreationDidFail({ error }) {
      const code = (error as Partial<GraphQLError>).extensions?.code;
      metrics.errors.inc({ code: typeof code === "string" ? code : "INTERNAL_SERVER_ERROR" });
    },
    async requestDidStart() {
      const started = performance.now();
      return {
        async willSendResponse({ operation, errors }) {
          const type = operation?.operation ?? "unknown";
          metrics.operations.inc({ type, name: metrics.operationLabel(operation?.name?.value) });
          metrics.operationDuration.observe({ type }, (performance.now() - started) / 1000);
          for (const error of errors ?? []) metrics.errors.inc({ code: codeOf(error) });
        },
      };
    },
  };
}
