import type { ApolloServerPlugin } from "@apollo/server";
import { ApolloServerPluginLandingPageDisabled } from "@apollo/server/plugin/disabled";
import { ApolloServerPluginLandingPageLocalDefault } from "@apollo/server/plugin/landingPage/default";
import { GraphQLError } from "graphql";

/** graphql-js appends its suggestions at the end of a message (the same pattern Apollo strips). */
const SUGGESTION = / ?Did you mean(.+?)\?$/;

/**
 * The error without graphql-js's "Did you mean …?" suggestions, which would tell a client the
 * names of fields and types that introspection hides. Apollo's `hideSchemaDetailsFromClientErrors`
 * does this on HTTP; the WebSocket server calls this on its validation errors.
 */
export function withoutSuggestions(error: GraphQLError): GraphQLError {
  if (!SUGGESTION.test(error.message)) return error;
  return new GraphQLError(error.message.replace(SUGGESTION, ""), {
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
