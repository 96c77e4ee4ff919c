import type { ApolloServerPlugin } from "@apollo/server";
import { ApolloServerPluginLandingPageDisabled } from "@apollo/server/plugin/disabled";
import { ApolloServerPluginLandingPageLocalDefault } from "@apollo/server/plugin/landingPage/default";

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
