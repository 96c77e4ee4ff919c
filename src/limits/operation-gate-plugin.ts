import type { ApolloServerPlugin } from "@apollo/server";
import { GraphQLError } from "graphql";
import type { GatewayContext } from "../graphql/context.js";
import { variableCoercionErrors } from "../server/variable-coercion.js";
import type { CostReport, OperationGate } from "./operation-gate.js";

/**
 * Runs the operation gate on HTTP, once the operation is known and before it executes: a refused
 * operation is answered with its code and status (400 over the cost limit; 429 and `Retry-After`
 * over budget). An operation whose variables do not coerce is not priced or charged: execution
 * refuses it with BAD_USER_INPUT. Every answer that was priced carries `extensions.cost`
 * (`{ requested, remaining, resetAt }`), refusals included.
 */
export function operationGatePlugin(gate: OperationGate): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      let cost: CostReport | undefined;
      let retryAfterSeconds: number | undefined;
      return {
        async didResolveOperation({ schema, document, request, contextValue }) {
          // Variables that do not coerce: execution answers BAD_USER_INPUT, and nothing is charged.
          const coercion = variableCoercionErrors(
            schema,
            document,
            request.operationName,
            request.variables,
            false,
          );
          if (coercion.length > 0) return;
          const admission = await gate.admit({
            document,
            operationName: request.operationName,
            variables: request.variables,
            viewer: contextValue.viewer,
          });
          cost = admission.cost;
          const rejection = admission.rejection;
          if (rejection === undefined) return;
          retryAfterSeconds = rejection.retryAfterSeconds;
          throw new GraphQLError(rejection.message, {
            extensions: { code: rejection.code, http: { status: rejection.httpStatus } },
          });
        },
        async willSendResponse({ response }) {
          if (cost !== undefined && response.body.kind === "single") {
            const result = response.body.singleResult;
            result.extensions = { ...result.extensions, cost };
          }
          if (retryAfterSeconds !== undefined) {
            response.http.headers.set("retry-after", String(retryAfterSeconds));
          }
        },
      };
    },
  };
}
