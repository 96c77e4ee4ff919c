import { flushLogger, type Logger } from "../observability/logger.js";

/** One thing to close on the way out, in the order given. */
export interface ShutdownStep {
  name: string;
  close: () => Promise<void>;
}

/** What a graceful shutdown runs. */
export interface ShutdownOptions {
  logger: Logger;
  /** Closed one after the other: the gateway first (it drains), then what it depends on. */
  steps: ShutdownStep[];
  /** After this long the remaining steps are abandoned and the shutdown reports itself unclean. */
  timeoutMs: number;
}

/** How long the shutdown waits for the log lines still queued (behind a full pipe) to be written. */
const LOG_FLUSH_TIMEOUT_MS = 10_000;

/**
 * Closes `steps` in order, logging each, then flushes the logger. Resolves `{clean: true}` when
 * every step closed within `timeoutMs`, `{clean: false}` when one threw or time ran out. Never
 * rejects, so a caller can always exit afterwards.
 */
export async function gracefulShutdown(options: ShutdownOptions): Promise<{ clean: boolean }> {
  const { logger } = options;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), options.timeoutMs);
    timer.unref();
  });
  const run = async (): Promise<boolean> => {
    let clean = true;
    for (const step of options.steps) {
      try {
        await step.close();
        logger.info({ step: step.name }, "closed");
      } catch (error) {
        clean = false;
        logger.error({ step: step.name, err: error }, "close failed");
      }
    }
    return clean;
  };
  const outcome = await Promise.race([run(), deadline]);
  clearTimeout(timer);
  const clean = outcome === true;
  if (outcome === "timeout") logger.error({ timeoutMs: options.timeoutMs }, "shutdown timed out");
  logger.info({ clean }, "shutdown complete");
  await flushLogger(logger, LOG_FLUSH_TIMEOUT_MS);
  return { clean };
}

/** Where signals come from and how the process ends; `process` by default, fakes in tests. */
export interface SignalTarget {
  once(signal: NodeJS.Signals, listener: () => void): unknown;
  removeListener(signal: NodeJS.Signals, listener: () => void): unknown;
}

/**
 * On the first of `signals`, logs it, runs `shutdown` and calls `exit(0)` when it was clean,
 * `exit(1)` otherwise. A second signal during shutdown exits at once with 1 (an impatient
 * operator). Returns a function that removes the handlers.
 */
export function exitOnSignals(options: {
  signals: NodeJS.Signals[];
  logger: Logger;
  shutdown: () => Promise<{ clean: boolean }>;
  exit: (code: number) => void;
  target?: SignalTarget;
}): () => void {
  const target = options.target ?? process;
  let started = false;
  const listeners = options.signals.map((signal) => {
    const listener = () => {
      if (started) {
        options.logger.warn({ signal }, "second signal during shutdown; exiting now");
        options.exit(1);
        return;
      }
      started = true;
      // Listen again, so a second signal reaches the branch above instead of killing us silently.
      target.once(signal, listener);
      options.logger.info({ signal }, "shutting down");
      void options.shutdown().then(({ clean }) => options.exit(clean ? 0 : 1));
    };
    target.once(signal, listener);
    return [signal, listener] as const;
  });
  return () => {
    for (const [signal, listener] of listeners) target.removeListener(signal, listener);
  };
}
