import type { ApolloServerPlugin } from "@apollo/server";
import { GraphQLError, Kind, type OperationDefinitionNode } from "graphql";
import type { GatewayContext } from "../graphql/context.js";

/** True when every top-level field of the operation is introspection (`__schema`, `__type`, `__typename`). */
export function isIntrospectionOnly(operation: OperationDefinitionNode): boolean {
  return operation.selectionSet.selections.every(
    (selection) => selection.kind === Kind.FIELD && selection.name.value.startsWith("__"),
  );
}

/**
 * Rejects, with HTTP 401 and code UNAUTHENTICATED, every operation sent without a token, except
 * pure introspection when `allowAnonymousIntrospection` (development: playgrounds load the schema
 * before a token is pasted). Requests with a bad token never get here: the context refuses them.
 */
export function requireViewerPlugin(options: {
  allowAnonymousIntrospection: boolean;
}): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ contextValue, operation }) {
          if (contextValue.viewer !== null) return;
          if (options.allowAnonymousIntrospection && operation && isIntrospectionOnly(operation))
            return;
          throw new GraphQLError("Authentication required: send `Authorization: Bearer <token>`.", {
            extensions: { code: "UNAUTHENTICATED", http: { status: 401 } },
          });
        },
      };
    },
  };
}
