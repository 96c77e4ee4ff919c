import { type Logger, pino } from "pino";
import { secretScrubber } from "./scrub-secrets.js";

/**
 * Paths pino blanks in every log line. Secrets must never reach logs: the Stripe key, webhook
 * secrets, bearer tokens, and a relink session's `client_secret`, wherever they appear. What no
 * path can name (a secret inside a message) is caught by the scrubber on the written line.
 */
export const REDACTED_PATHS = [
  "stripeKey",
  "apiKey",
  "webhookSecret",
  "webhookSecrets",
  "secret",
  "secrets",
  "authorization",
  "token",
  "clientSecret",
  "client_secret",
  "connectionParams",
  "*.authorization",
  "*.Authorization",
  "*.token",
  "*.secret",
  "*.clientSecret",
  "*.client_secret",
  "*.apiKey",
  "*.webhookSecret",
  "*.connectionParams",
  "headers.authorization",
  "headers.cookie",
  'headers["stripe-signature"]',
  "req.headers.authorization",
  "req.headers.cookie",
  'req.headers["stripe-signature"]',
  "*.headers.authorization",
  "*.headers.cookie",
  "err.raw.headers",
  "err.headers",
];

/**
 * Creates the process's one logger. `destination` lets tests capture every line; without it the
 * lines go to stdout through pino's asynchronous destination (sonic-boom: a request never waits
 * on a write; the lines are written soon after, in order), which `gracefulShutdown` drains with
 * `flushLogger` and pino flushes synchronously on exit, so no line is lost on SIGTERM. `knownSecrets` (the
 * configured Stripe key and webhook secrets) are blanked wherever they appear in a line, on top
 * of the redacted paths (compiled once, here) and the secret shapes the scrubber knows.
 */
export function createLogger(
  level: string,
  destination?: NodeJS.WritableStream,
  knownSecrets: readonly string[] = [],
): Logger {
  const scrub = secretScrubber(knownSecrets);
  const stdout = destination === undefined && level !== "silent" ? asyncStdout() : undefined;
  const logger = pino(
    {
      level,
      redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
      base: { service: "fc-gateway" },
      hooks: { streamWrite: scrub },
    },
    // A silent logger (tests, benchmarks) keeps `process.stdout` and never writes.
    destination ?? stdout ?? process.stdout,
  );
  if (stdout !== undefined) ASYNC_DESTINATIONS.set(logger, stdout);
  return logger;
}

/** Stdout through sonic-boom, asynchronously (no minimum length: each line is written at once). */
const asyncStdout = () => pino.destination({ dest: 1, sync: false });

/** The asynchronous destination of each logger `createLogger` gave one. */
const ASYNC_DESTINATIONS = new WeakMap<Logger, ReturnType<typeof asyncStdout>>();

/** sonic-boom's write state: `_writing` while a write is in flight or waits out a full pipe. */
type WriteState = { _writing?: boolean };

/**
 * Resolves once every line `logger` accepted has been written, or after `timeoutMs` (a reader
 * that never reads must not hold the process forever), or at once when the destination failed.
 * pino's own `flush(cb)` calls back at once for an asynchronous destination without a minimum
 * length, even while lines wait in it for a full pipe to drain; this waits for sonic-boom's
 * `drain`, which it emits when nothing is left to write.
 */
export function flushLogger(logger: Logger, timeoutMs: number): Promise<void> {
  const stream = ASYNC_DESTINATIONS.get(logger);
  if (stream === undefined) return new Promise((resolve) => logger.flush(() => resolve()));
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      stream.off("drain", done);
      stream.off("error", done);
      resolve();
    };
    const timer = setTimeout(done, timeoutMs);
    stream.on("drain", done);
    stream.on("error", done);
    if ((stream as unknown as WriteState)._writing !== true) done();
  });
}

export type { Logger };
