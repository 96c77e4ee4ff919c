import type { ApolloServerPlugin } from "@apollo/server";
import { ApolloServerPluginLandingPageDisabled } from "@apollo/server/plugin/disabled";
import { ApolloServerPluginLandingPageLocalDefault } from "@apollo/server/plugin/landingPage/default";
import { GraphQLError } from "graphql";

/** graphql-js appends its suggestions at the end of a message (the same pattern Apollo strips). */
const SUGGESTION = / ?Did you mean(.+?)\?$/;

/**
 * The message without graphql-js's "Did you mean …?" suggestion, which would tell a client the
 * names of fields, types, arguments and enum values that introspection hides: in validation
 * errors and in variable coercion errors alike (`Field "statu" is not defined by type
 * "AccountFilter". Did you mean "status"?`, `Value "ACTIV" does not exist in "AccountStatus"
 * enum. Did you mean the enum value "ACTIVE"?`).
 */
export function messageWithoutSuggestions(message: string): string {
  return message.replace(SUGGESTION, "");
}

/** The error with its message passed through messageWithoutSuggestions (itself when unchanged). */
export function withoutSuggestions(error: GraphQLError): GraphQLError {
  if (!SUGGESTION.test(error.message)) return error;
  return new GraphQLError(messageWithoutSuggestions(error.message), {
    nodes: error.nodes,
    extensions: error.extensions,
  });
}

/**
 * Apollo's landing page on GET /graphql (the local Sandbox explorer) when `enabled`, none
 * otherwise. Set explicitly so that the gateway's configuration, not Apollo's reading of
 * NODE_ENV, decides.
 */
export function landingPagePlugin(enabled: boolean): ApolloServerPlugin {
  return enabled
    ? ApolloServerPluginLandingPageLocalDefault({ footer: false })
    : ApolloServerPluginLandingPageDisabled();
}
