/**
 * `npm start`: the gateway, with the embedded Stripe FC sandbox when no Stripe key is set.
 * The only gateway-side module allowed to import the sandbox: it launches it as a separate
 * service and the gateway then talks to it over HTTP exactly as it would to Stripe.
 *
 * Tracing first: with `OTEL_*` settings (see `resolveTracingSettings`) the OpenTelemetry SDK
 * starts and hooks imports before the gateway and the sandbox (and so http, express, graphql,
 * ioredis) are imported, which is why those two are imported dynamically below. Without them
 * the SDK is never loaded.
 */
import { ConfigError, type GatewayConfig, loadConfig } from "./config/config.js";
import { knownSecretsOf } from "./observability/known-secrets.js";
import { createLogger } from "./observability/logger.js";
import { keepProcessOutputJson } from "./observability/process-output.js";
import type { Tracing } from "./observability/tracing.js";
import { sandboxPanelTarget } from "./playground/panel/availability.js";
import { exitOnSignals, gracefulShutdown } from "./server/shutdown.js";
import { SANDBOX_DEV_WEBHOOK_SECRET } from "./shared/sandbox-defaults.js";
import { printStartupBanner } from "./startup-banner.js";

/** Longest a shutdown may take before the process exits anyway (Kubernetes' grace is 30 s). */
const SHUTDOWN_TIMEOUT_MS = 25_000;

async function main(): Promise<void> {
  let config: GatewayConfig;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  // No destination given: stdout through the asynchronous destination, drained by the shutdown.
  const logger = createLogger(config.logLevel, undefined, knownSecretsOf(config));
  // Every line the process writes is JSON: what libraries print to the console is logged.
  keepProcessOutputJson(logger);
  let tracing: Tracing | undefined;
  if (config.tracing.enabled) {
    const { startTracing } = await import("./observability/tracing.js");
    tracing = await startTracing({
      settings: config.tracing,
      knownSecrets: knownSecretsOf(config),
    });
    logger.info({ exporters: config.tracing.exporters }, "tracing on");
  }
  const { startSandbox } = await import("./sandbox/server.js");
  const { startGateway } = await import("./server/gateway.js");
  const target = config.stripe.target;
  const sandbox =
    target.kind === "embedded-sandbox"
      ? await startSandbox({
          port: target.sandboxPort,
          webhookSecret: config.webhookSecrets[0],
          seedSize: config.sandbox.seedSize,
        })
      : undefined;
  const gateway = await startGateway({
    config,
    logger,
    stripeApiBase: target.kind === "embedded-sandbox" ? sandbox?.url : target.apiBase,
  });
  sandbox?.setWebhookUrls([`${gateway.url}/webhooks/stripe`]);
  // Production: one JSON line. Development (`npm start`): the banner, for the person at the terminal.
  if (config.production) {
    logger.info(
      {
        environment: config.env,
        graphql: `${gateway.url}/graphql`,
        webhooks: `${gateway.url}/webhooks/stripe`,
      },
      "gateway started",
    );
  } else {
    await printStartupBanner({
      environment: config.env,
      gatewayUrl: gateway.url,
      sandboxUrl: sandbox?.url,
      auth: config.auth,
      playground: !config.production,
      sandboxPanel: sandboxPanelTarget(config, sandbox?.url) !== undefined,
      // Only the public dev secret is ever printed; a configured one stays out of the output.
      webhookSecret:
        sandbox !== undefined && config.webhookSecrets[0] === SANDBOX_DEV_WEBHOOK_SECRET
          ? SANDBOX_DEV_WEBHOOK_SECRET
          : undefined,
    });
  }

  // SIGTERM (orchestrators) and SIGINT (Ctrl-C): readiness fails, sockets close with 1001,
  // in-flight requests finish, then the bus, the embedded sandbox and the logs; exit 0 if clean.
  exitOnSignals({
    signals: ["SIGTERM", "SIGINT"],
    logger,
    exit: (code) => process.exit(code),
    shutdown: () =>
      gracefulShutdown({
        logger,
        timeoutMs: SHUTDOWN_TIMEOUT_MS,
        steps: [
          { name: "gateway", close: () => gateway.close() },
          ...(sandbox === undefined ? [] : [{ name: "sandbox", close: () => sandbox.close() }]),
          ...(tracing === undefined ? [] : [{ name: "traces", close: () => tracing.shutdown() }]),
        ],
      }),
  });
}

await main();
