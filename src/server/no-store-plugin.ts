import type { ApolloServerPlugin, BaseContext } from "@apollo/server";

/**
 * Answers every GraphQL response `Cache-Control: no-store`, as Apollo's cache-control plugin does
 * for a schema without cache hints (ours has none: every answer is a customer's own data), unless
 * a stage set the header itself. It stands in for that plugin, which is disabled because it hooks
 * every field's resolution (`willResolveField`) to compute a policy that is always "no-store".
 */
export function noStorePlugin<TContext extends BaseContext>(): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          if (!response.http.headers.has("cache-control")) {
            response.http.headers.set("cache-control", "no-store");
          }
        },
      };
    },
  };
}
