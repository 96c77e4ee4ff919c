import { randomUUID } from "node:crypto";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { ApolloServerPluginDrainHttpServer } from "@apollo/server/plugin/drainHttpServer";
import express, { type RequestHandler } from "express";
import type Stripe from "stripe";
import { createTokenVerifier } from "../auth/token-verifier.js";
import type { GatewayConfig } from "../config/config.js";
import { createRefreshBudget } from "../data/refresh-budget.js";
import { createSystemReader } from "../data/system-reader.js";
import type { PricingWork } from "../limits/estimate-cost.js";
import { createFairAdmission } from "../limits/fair-admission.js";
import type { Logger } from "../observability/logger.js";
import { createGatewayMetrics } from "../observability/metrics.js";
import { documentRules } from "../pipeline/document-rules.js";
import { createOperationRunner } from "../pipeline/runner.js";
import { graphiqlRoute } from "../playground/graphiql-route.js";
import { sandboxPanelTarget } from "../playground/panel/availability.js";
import { sandboxPanelRoute } from "../playground/panel/panel-route.js";
import type { PublishedLifecycleEvent } from "../pubsub/account-event.js";
import type { AccountEventBus } from "../pubsub/event-bus.js";
import type { AccountEventLog } from "../pubsub/event-log.js";
import { inProcessBus } from "../pubsub/in-process-bus.js";
import type { LocalFanout } from "../pubsub/local-fanout.js";
import { redisBus } from "../pubsub/redis-bus.js";
import { inMemoryReadModelStore } from "../read-model/memory-store.js";
import { createReadModel, type ReadModel } from "../read-model/read-model.js";
import { redisFenceStore } from "../read-model/redis-fences.js";
import { redisReadModelStore } from "../read-model/redis-store.js";
import { inMemoryIdempotencyKeys } from "../relink/idempotency-keys.js";
import { redisIdempotencyKeys } from "../relink/redis-idempotency-keys.js";
import { createStripeCallBudget } from "../stripe/call-budget.js";
import { createStripeClient } from "../stripe/client.js";
import { createFcApi } from "../stripe/fc-api.js";
import { DEFAULT_RATE_LIMIT_RETRY, type RateLimitRetryPolicy } from "../stripe/rate-limit-retry.js";
import { apolloNodeHttp } from "../transports/apollo-node-http.js";
import { directGraphqlHttp } from "../transports/direct-http.js";
import { finalErrorHandler, notFoundHandler } from "../transports/error-answers.js";
import { graphqlSseAnswer, SSE_PATH } from "../transports/graphql-sse.js";
import { httpTransport } from "../transports/http.js";
import { multipartSubscriptions } from "../transports/multipart-subscriptions.js";
import { requestIdMiddleware } from "../transports/request-id.js";
import { socketLimits } from "../transports/socket-limits.js";
import { streamedOperations } from "../transports/streamed-operations.js";
import { attachGraphqlWs } from "../transports/ws-server.js";
import { createAccountEventIntake } from "../webhooks/account-event-intake.js";
import { inMemoryDedupe, redisDedupe } from "../webhooks/event-dedupe.js";
import { type EventSweep, startEventSweep } from "../webhooks/event-sweep.js";
import { createApolloServer } from "./apollo.js";
import { bodyErrorHandler } from "./body-errors.js";
import { type BodyPolicy, guardedBody } from "./body-guard.js";
import { GRAPHQL_BODY_LIMIT } from "./body-limits.js";
import { contextFactory } from "./context-factory.js";
import { crossOriginGate, crossOriginHeaders } from "./cross-origin.js";
import { isLeanGraphqlRequest, leanGraphqlListener } from "./graphql-listener.js";
import { healthRoutes } from "./health-routes.js";
import { createLimitedHttpServer } from "./http-server-limits.js";
import { jsonBodyReader } from "./json-body.js";
import { startMetricsEndpoint } from "./metrics-endpoint.js";
import { createQueryProtection } from "./query-protection.js";
import { reachableUrl } from "./reachable-url.js";
import { busReadiness, type ReadinessCheck, stripeReadiness } from "./readiness.js";
import { buildGatewaySchema } from "./schema.js";
import { apiSecurityHeaderList, securityHeaders } from "./security-headers.js";
import { sseStreamListener } from "./sse-listener.js";
import { stripeWebhookListener, stripeWebhookRoute } from "./stripe-webhook-route.js";

/** What every GraphQL route (HTTP, SSE, multipart) reads: JSON, at most GRAPHQL_BODY_LIMIT. */
const GRAPHQL_BODY: BodyPolicy = { limit: GRAPHQL_BODY_LIMIT, mediaTypes: ["application/json"] };

/** What a gateway is started with. */
export interface GatewayOptions {
  config: GatewayConfig;
  logger: Logger;
  /** Base URL of the Stripe-compatible API (the sandbox's URL in embedded mode); undefined = Stripe. */
  stripeApiBase: string | undefined;
  /** Override for tests and benchmarks; defaults to DEFAULT_RATE_LIMIT_RETRY. */
  rateLimitRetry?: RateLimitRetryPolicy;
  /** Port to listen on; defaults to config.port (0 = ephemeral). */
  port?: number;
  /** Accumulates the work of every cost pricing, HTTP and WebSocket (tests and benchmarks). */
  pricingWork?: PricingWork;
  /**
   * The common GraphQL POST answered without Apollo's request pipeline (`directGraphqlHttp`);
   * default true. False: Apollo answers every request (tests compare the two answers); so does
   * `config.apolloUsageReporting`.
   */
  directHttp?: boolean;
}

/** A running gateway. */
export interface GatewayHandle {
  /** e.g. "http://127.0.0.1:4000": loopback when bound to all interfaces, else HOST. */
  url: string;
  port: number;
  httpServer: Server;
  stripe: Stripe;
  /**
   * The bus lifecycle events travel on (in-process, or Redis with REDIS_URL), with `fanout`, this
   * instance's subscribers (counts, and a hook to observe subscriptions being registered), and
   * `log`, the events kept for subscribers that resume.
   */
  accountEvents: AccountEventBus & {
    fanout: LocalFanout<PublishedLifecycleEvent>;
    log: AccountEventLog;
  };
  /** The read model every operation and the webhook path read and write (tests clear it). */
  readModel: ReadModel;
  /** The catch-up sweep of Stripe's Events API (tests run it on demand). */
  eventSweep: EventSweep;
  /** Base URL of the separate metrics server (METRICS_PORT), e.g. "http://127.0.0.1:9464". */
  metricsUrl: string | undefined;
  /**
   * Stops accepting, lets in-flight requests finish, then resolves. Idempotent: a second call
   * (e.g. a stack's close after a graceful shutdown already closed the gateway) returns the first
   * call's promise instead of failing on servers already closed.
   */
  close(): Promise<void>;
}

/**
 * Starts the gateway: GraphQL at `/graphql`, Stripe webhooks at `/webhooks/stripe`, liveness at
 * `/healthz`, on one HTTP server. Resolves once it listens; rejects if the port is taken.
 */
export async function startGateway(options: GatewayOptions): Promise<GatewayHandle> {
  const { config, logger } = options;
  const stripeConfig = config.stripe;
  const metrics = createGatewayMetrics();
  // One limiter for the whole process: operations, webhooks and the readiness probe. It sits in
  // the SDK's HTTP client, so every request that goes out (retries included) takes a token.
  const stripeShared = await createStripeCallBudget(
    stripeConfig.rateLimit,
    metrics,
    config.redisUrl
      ? { kind: "redis", url: config.redisUrl, prefix: config.redisKeyPrefix }
      : { kind: "process" },
  );
  const stripe = createStripeClient({
    apiKey: stripeConfig.target.apiKey,
    apiBase: options.stripeApiBase,
    apiVersion: stripeConfig.apiVersion,
    timeoutMs: stripeConfig.timeoutMs,
    maxNetworkRetries: stripeConfig.maxRetries,
    limiter: stripeShared.limiter,
  });
  const retryPolicy = options.rateLimitRetry ?? DEFAULT_RATE_LIMIT_RETRY;
  const systemFc = createFcApi(stripe, retryPolicy, () => {}, stripeShared);
  let shuttingDown = false;

  const app = express();
  app.disable("x-powered-by");
  // No ETag (a hash of every answer): GraphQL answers are `no-store`, so none is ever revalidated.
  app.set("etag", false);
  app.use(requestIdMiddleware());
  app.use(
    securityHeaders({ production: config.production, landingPage: config.graphql.landingPage }),
  );
  // Its request listener is added once Apollo has started (leanGraphqlListener, then `app`).
  const httpServer = createLimitedHttpServer(config.http);
  const schema = buildGatewaySchema();
  const accountEvents = config.redisUrl
    ? await redisBus(
        config.redisUrl,
        config.redisKeyPrefix,
        logger,
        config.subscriptionLog,
        config.websocket.maxPendingEvents,
      )
    : inProcessBus(config.subscriptionLog, config.websocket.maxPendingEvents);
  const dedupe = config.redisUrl
    ? await redisDedupe(config.redisUrl, config.redisKeyPrefix)
    : inMemoryDedupe();
  const readModel = createReadModel({
    store: config.redisUrl
      ? await redisReadModelStore(config.redisUrl, config.redisKeyPrefix)
      : inMemoryReadModelStore(),
    ...(config.redisUrl
      ? { fences: await redisFenceStore(config.redisUrl, config.redisKeyPrefix) }
      : {}),
    maxAgeMs: config.readModel.maxAgeMs,
    listener: {
      lookup: (kind, outcome) => metrics.countLookup(kind, outcome),
      revalidation: (kind) => metrics.readModelRevalidations.inc({ kind }),
      storeError: (error) =>
        logger.warn({ err: error }, "read model unreachable: read from Stripe"),
    },
  });
  const refreshBudget = await createRefreshBudget({
    perMinute: config.readModel.refreshesPerMinute,
    redisUrl: config.redisUrl,
    redisKeyPrefix: config.redisKeyPrefix,
    logger,
  });
  const protection = await createQueryProtection({
    config,
    schema,
    logger,
    pricingWork: options.pricingWork,
  });
  const relinkKeys = config.redisUrl
    ? await redisIdempotencyKeys(config.redisUrl, config.redisKeyPrefix)
    : { ...inMemoryIdempotencyKeys(), close: async () => {} };
  const contextFor = contextFactory({
    stripe,
    retryPolicy,
    maxConcurrency: stripeConfig.maxConcurrency,
    relinkKeys,
    accountEvents,
    stripeShared,
    readModel,
    refreshBudget,
    onLoaderBatch: (loader, size) => metrics.loaderBatchSize.observe({ loader }, size),
    onForeignObject: (kind, id) =>
      logger.warn({ kind, id }, "Stripe list answer held an object of another customer: left out"),
  });
  // One runner for every transport: HTTP (Apollo), WebSocket (graphql-ws), SSE (graphql-sse)
  // and multipart HTTP subscriptions are adapters.
  const runner = createOperationRunner({
    schema,
    rules: documentRules(protection.apolloPosture),
    costAdmission: protection.costAdmission,
    verifyToken: createTokenVerifier(config.auth),
    allowAnonymousIntrospection: !config.production,
    trustedDocuments: config.graphql.trustedDocuments,
    contextFor,
    logger,
    metrics,
    fairAdmission: createFairAdmission(config.graphql.fairAdmission),
    maxPendingEvents: config.websocket.maxPendingEvents,
  });
  const trusted = config.graphql.trustedDocuments;
  if (trusted !== undefined) {
    logger.info(
      { manifest: trusted.path, documents: trusted.documents.size, adHoc: trusted.allowAdHoc },
      trusted.allowAdHoc
        ? "trusted documents: the manifest's run by id, ad-hoc documents too"
        : "trusted documents only: ad-hoc documents are refused",
    );
  }
  const http = httpTransport(runner);
  const apollo = createApolloServer(
    [ApolloServerPluginDrainHttpServer({ httpServer }), http.plugin],
    schema,
    { ...protection.apolloPosture, documentStore: runner.documentStore, runner: runner.apollo },
  );
  // One cap per customer over its WebSockets and its subscription streams (SSE, multipart).
  const sharedLimits = socketLimits(config.websocket);
  const ws = attachGraphqlWs({ httpServer, config, runner, socketLimits: sharedLimits, logger });
  const streams = streamedOperations(runner, sharedLimits);
  await apollo.start();
  const answerGraphql = apolloNodeHttp(apollo, http.context);

  // The playgrounds go together: Apollo's landing page on /graphql and our GraphiQL on /graphiql.
  // The sandbox panel beside GraphiQL: development with the embedded sandbox only.
  const panel = sandboxPanelTarget(config, options.stripeApiBase);
  if (config.graphql.landingPage) app.use(graphiqlRoute({ panel: panel !== undefined }));
  if (panel !== undefined) app.use(sandboxPanelRoute(panel, schema, logger));
  metrics.setGaugeSources({
    liveSubscriptions: () => accountEvents.fanout.size,
    sockets: () => ws.socketCount(),
    streams: () => streams.openCount(),
  });
  const readiness: Record<string, ReadinessCheck> = {
    stripe: stripeReadiness(systemFc, 2_000, stripeShared.outcomes),
  };
  if (config.redisUrl) readiness.redis = busReadiness(accountEvents, 1_000);
  app.use(healthRoutes({ checks: readiness, shuttingDown: () => shuttingDown }));
  const metricsEndpoint = await startMetricsEndpoint({
    settings: config.metrics,
    production: config.production,
    registry: metrics.registry,
    logger,
  });
  app.use(metricsEndpoint.publicRoute);
  // One intake for webhooks and the catch-up sweep: same handling, same dedupe.
  const intake = createAccountEventIntake({
    dedupe,
    reader: createSystemReader(systemFc),
    bus: accountEvents,
    store: readModel.store,
    fences: readModel.fences,
    rereads: readModel.rereads,
    logger,
  });
  const eventSweep = startEventSweep({
    fc: systemFc,
    store: readModel.store,
    intake,
    intervalMs: config.readModel.sweepIntervalMs,
    instanceId: randomUUID(),
    logger,
    onLag: (seconds) => metrics.eventSweepLag.set(seconds),
  });
  const webhookRoute = {
    stripe,
    secrets: config.webhookSecrets,
    logger,
    onOutcome: (outcome: string) => {
      metrics.webhookReceived.inc();
      metrics.webhookOutcomes.inc({ outcome });
    },
    onEvent: intake,
  };
  // `/webhooks/stripe` itself is the lean listener's (below); Express matches other spellings too.
  app.use(stripeWebhookRoute(webhookRoute));
  // Every body is checked (limit, media type) before it is read, and read with a limit, before
  // authentication or anything else looks at the request.
  const readGraphqlBody = jsonBodyReader(GRAPHQL_BODY_LIMIT);
  const answerSse = graphqlSseAnswer(streams);
  // `/graphql/stream` itself is the lean SSE listener's (below); Express matches other spellings
  // too. Before /graphql, which would match it as a prefix.
  app.use(
    SSE_PATH,
    guardedBody(GRAPHQL_BODY, readGraphqlBody),
    ((request, response, next) => {
      // Express's chain has set the route's headers.
      answerSse(request, response, request.body, []).catch(next);
    }) satisfies RequestHandler,
    bodyErrorHandler(),
  );
  app.use(
    "/graphql",
    guardedBody(GRAPHQL_BODY, readGraphqlBody),
    multipartSubscriptions(streams, { parseOptions: runner.parseOptions }),
    ((request, response, next) => {
      answerGraphql(request, response, request.body).catch(next);
    }) satisfies RequestHandler,
    bodyErrorHandler(),
  );
  // Last: whatever no route answered, and any error a route let through, as JSON with a code.
  app.use(notFoundHandler(), finalErrorHandler(logger));
  // GraphQL requests on /graphql skip Express (its router and middleware chain were a fifth of
  // the gateway's time per `{ __typename }`); the landing page, multipart and the rest are app's.
  // CORS from config.allowedOrigins in front of every GraphQL route, lean or Express's.
  const withCors = crossOriginGate({
    allowedOrigins: config.allowedOrigins,
    securityHeaders: apiSecurityHeaderList({ production: config.production }),
    logger,
    varySetBy: isLeanGraphqlRequest,
  });
  const apiHeaders = apiSecurityHeaderList({ production: config.production });
  const gated = withCors(
    // Stripe's webhooks skip Express too (its router, middleware chain and `res.json` were
    // 5 to 9 % of the gateway's busy time at 10 subscribers per webhook).
    stripeWebhookListener({
      ...webhookRoute,
      securityHeaders: apiHeaders,
      next: leanGraphqlListener({
        app,
        answer: answerGraphql,
        // Apollo's request pipeline was a fifth of the gateway's time per `{ __typename }`.
        // Not with Apollo's usage reporting on: its plugin sees only what Apollo answers.
        ...(options.directHttp === false || config.apolloUsageReporting
          ? {}
          : { direct: directGraphqlHttp(runner, () => !shuttingDown) }),
        readBody: readGraphqlBody,
        bodyPolicy: GRAPHQL_BODY,
        securityHeaders: apiHeaders,
        vary: "Origin",
        logger,
      }),
    }),
  );
  // Server-Sent Events skip Express and come first: each open stream kept Express's request,
  // response and router state for its whole life, and the table of headers set one by one
  // (the CORS gate's, the request id, the security headers); the gate's rules give its headers
  // (crossOriginHeaders), and the requests the gate answers itself go to it.
  httpServer.on(
    "request",
    sseStreamListener({
      answer: answerSse,
      crossOrigin: crossOriginHeaders(config.allowedOrigins),
      readBody: readGraphqlBody,
      bodyPolicy: GRAPHQL_BODY,
      securityHeaders: apiHeaders,
      logger,
      next: gated,
    }),
  );

  await new Promise<void>((resolve, reject) => {
    httpServer.once("error", reject);
    httpServer.listen(options.port ?? config.port, config.host, () => resolve());
  });
  const { port } = httpServer.address() as AddressInfo;
  // Missed webhooks are caught up before the gateway reports itself started.
  await eventSweep.first;
  let closing: Promise<void> | undefined;
  return {
    url: reachableUrl(config.host, port),
    port,
    httpServer,
    stripe,
    accountEvents,
    readModel,
    eventSweep,
    metricsUrl: metricsEndpoint.url,
    close: () => {
      closing ??= (async () => {
        shuttingDown = true;
        eventSweep.stop();
        streams.close();
        await ws.close();
        await apollo.stop();
        await accountEvents.close();
        await dedupe.close();
        await protection.close();
        await refreshBudget.close();
        await relinkKeys.close();
        await readModel.store.close();
        await readModel.fences.close();
        await stripeShared.close();
        await metricsEndpoint.close();
      })();
      return closing;
    },
  };
}
