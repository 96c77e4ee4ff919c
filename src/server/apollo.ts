import { ApolloServer, type ApolloServerPlugin, type DocumentStore } from "@apollo/server";
import { ApolloServerPluginCacheControlDisabled } from "@apollo/server/plugin/disabled";
import type { GraphQLFormattedError, GraphQLSchema } from "graphql";
import { errorFormatter } from "../errors/format-error.js";
import type { GatewayContext } from "../graphql/context.js";
import { createDocumentCache } from "../pipeline/document-cache.js";
import {
  type DocumentPosture,
  type DocumentRules,
  documentRules,
} from "../pipeline/document-rules.js";
import { noStorePlugin } from "./no-store-plugin.js";
import { buildGatewaySchema } from "./schema.js";
import { landingPagePlugin } from "./schema-exposure.js";

/** How much of the schema the server shows, and the limits it applies before execution. */
export interface ApolloPosture extends DocumentPosture {
  /** The landing page on GET; default false. */
  landingPage?: boolean;
  /**
   * Where parsed, validated documents are kept: the pipeline's (`OperationPipeline.documentStore`,
   * bounded in bytes); default a store of its own, as bounded, that caches nothing (no pipeline
   * admits its documents).
   */
  documentStore?: DocumentStore;
  /**
   * The runner's document rules and error formatter (`OperationRunner.apollo`): the one set the
   * gateway builds; default, built from this posture (tests that run Apollo alone).
   */
  runner?: {
    rules: DocumentRules;
    formatError: (formatted: GraphQLFormattedError, error?: unknown) => GraphQLFormattedError;
  };
}

/**
 * The Apollo server for the gateway's schema: documents parsed and validated by the pipeline's
 * `documentRules(posture)` (the query limits; introspection refused by graphql-js's rule when
 * off, so HTTP and WebSocket refuse it in the same words, and Apollo adds no rule of its own),
 * documents kept in `posture.documentStore` (bounded; Apollo's default store under-counts a
 * document's size and would fill the heap with distinct texts), errors formatted by errorFormatter (unexpected ones masked, no stack traces, no "Did you mean"
 * anywhere when introspection is off), batched (array) bodies and automatic persisted queries
 * refused, CSRF prevention on; the landing page as `posture` says; every answer `Cache-Control:
 * no-store` (`noStorePlugin`, in place of Apollo's cache-control plugin). It installs no signal
 * handlers: the process's shutdown (`exitOnSignals`) closes it; Apollo's own would stop it and
 * raise the signal again, which the shutdown takes for an impatient second signal and exits 1
 * at once. Transport-free, so tests can
 * call `executeOperation` on it; `startGateway` mounts it.
 */
export function createApolloServer(
  plugins: ApolloServerPlugin<GatewayContext>[] = [],
  schema: GraphQLSchema = buildGatewaySchema(),
  posture: ApolloPosture = {},
): ApolloServer<GatewayContext> {
  const rules = posture.runner?.rules ?? documentRules(posture);
  return new ApolloServer<GatewayContext>({
    schema,
    formatError:
      posture.runner?.formatError ?? errorFormatter({ hideSuggestions: rules.hideSuggestions }),
    includeStacktraceInErrorResponses: false,
    // The rules below refuse introspection when it is off; Apollo's own rule would word it apart.
    introspection: true,
    hideSchemaDetailsFromClientErrors: rules.hideSuggestions,
    validationRules: rules.validationRules,
    parseOptions: rules.parseOptions,
    documentStore: posture.documentStore ?? createDocumentCache().store,
    allowBatchedHttpRequests: false,
    persistedQueries: false,
    csrfPrevention: true,
    // Signals are src/main.ts's (drain, then exit 0). Apollo's own handler, on by default unless
    // NODE_ENV=test, would stop the server and re-send the signal to the process mid-drain, which
    // the shutdown takes for a second signal (exit 1).
    stopOnTerminationSignals: false,
    plugins: [
      ...plugins,
      landingPagePlugin(posture.landingPage ?? false),
      // No field has a cache hint: "no-store" without hooking every field's resolution.
      ApolloServerPluginCacheControlDisabled(),
      noStorePlugin(),
    ],
  });
}
