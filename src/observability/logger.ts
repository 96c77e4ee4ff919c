import { fstatSync } from "node:fs";
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
 * lines go to stdout through pino's sonic-boom destination (`batchedStdout`: in order, in batches,
 * within `LOG_BATCH_MS`), which `gracefulShutdown` drains with `flushLogger` and pino flushes
 * synchronously on exit, so no line is lost on SIGTERM. `knownSecrets` (the
 * configured Stripe key and webhook secrets) are blanked wherever they appear in a line, on top
 * of the redacted paths (compiled once, here) and the secret shapes the scrubber knows.
 */
export function createLogger(
  level: string,
  destination?: NodeJS.WritableStream,
  knownSecrets: readonly string[] = [],
): Logger {
  const scrub = secretScrubber(knownSecrets);
  const stdout = destination === undefined && level !== "silent" ? batchedStdout() : undefined;
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

/**
 * Bytes of lines gathered before a write. A write per line (one `fs.write`, a hand-off to libuv's
 * thread pool) cost ~5 % of the gateway's CPU on a small operation; batched, a busy gateway
 * writes a few hundred times a second instead of once per operation.
 */
export const LOG_BATCH_BYTES = 8192;

/** Longest a line waits for the batch to fill before it is written anyway (ms). */
export const LOG_BATCH_MS = 100;

/** Whether stdout is a regular file (`node dist/main.js > file`), not a pipe or a terminal. */
function stdoutIsFile(): boolean {
  try {
    return fstatSync(1).isFile();
  } catch {
    return false;
  }
}

/**
 * Stdout through sonic-boom, lines written once `LOG_BATCH_BYTES` have gathered or every
 * `LOG_BATCH_MS` (its periodic flush, an unreferenced timer), whichever comes first. To a pipe or
 * a terminal asynchronously (a request never waits on a reader; a full pipe holds the lines in
 * memory), to a regular file synchronously: a batch written to a file does not wait on any reader,
 * and each asynchronous write is a hand-off to libuv's thread pool and a thread woken.
 */
const batchedStdout = () =>
  pino.destination({
    dest: 1,
    sync: stdoutIsFile(),
    minLength: LOG_BATCH_BYTES,
    periodicFlush: LOG_BATCH_MS,
  });

/** The batched stdout destination of each logger `createLogger` gave one. */
const ASYNC_DESTINATIONS = new WeakMap<Logger, ReturnType<typeof batchedStdout>>();

/**
 * Resolves once every line `logger` accepted has been written, or after `timeoutMs` (a reader
 * that never reads must not hold the process forever), or at once when the destination failed.
 * For the batched stdout destination it writes out the gathered batch and waits for sonic-boom's
 * `drain` (its `flush(cb)` with a minimum length: called back when nothing is left to write).
 */
export function flushLogger(logger: Logger, timeoutMs: number): Promise<void> {
  const stream = ASYNC_DESTINATIONS.get(logger);
  if (stream === undefined) return new Promise((resolve) => logger.flush(() => resolve()));
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, timeoutMs);
    const done = () => {
      clearTimeout(timer);
      resolve();
    };
    try {
      // Called back with an error too (a failed destination; fsync refused on a pipe): done alike.
      stream.flush(done);
    } catch {
      done();
    }
  });
}

export type { Logger };
