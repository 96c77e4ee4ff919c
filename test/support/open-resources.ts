import { createHook } from "node:async_hooks";
import { setImmediate as nextTurnOfTheEventLoop } from "node:timers/promises";

/** The async resource types that keep Node's event loop alive while open. */
const LOOP_HOLDERS = new Set(["TCPSERVERWRAP", "TCPWRAP", "Timeout", "PROCESSWRAP"]);

/** The resources created since `openResources()` was called that still hold the event loop. */
export interface OpenResources {
  /** Types of the servers, sockets, ref'd timers and child processes not closed (or fired) since. */
  open(): string[];
  /**
   * Resolves with `open()` once it is empty, or with what is still open after `timeoutMs`:
   * client ends of closed connections are released a few turns of the event loop after the
   * server's close() resolved. Turns the loop without a timer of its own.
   */
  settled(timeoutMs?: number): Promise<string[]>;
  /** Stops tracking. */
  stop(): void;
}

/**
 * Tracks the servers, sockets, timers and child processes created from now on. Counting what a
 * test created, rather than comparing process-wide totals, keeps the test runner's own
 * short-lived resources out of the count.
 */
export function openResources(): OpenResources {
  const open = new Map<number, { type: string; holdsLoop: () => boolean }>();
  const hook = createHook({
    init(asyncId, type, _triggerId, resource) {
      if (!LOOP_HOLDERS.has(type)) return;
      // An unref'd timer (AbortSignal.timeout's, for one) lets the process exit: not counted.
      const timer = type === "Timeout" ? (resource as { hasRef?: () => boolean }) : undefined;
      open.set(asyncId, { type, holdsLoop: () => timer?.hasRef?.() ?? true });
    },
    destroy(asyncId) {
      open.delete(asyncId);
    },
  });
  hook.enable();
  const list = () =>
    [...open.values()]
      .filter((resource) => resource.holdsLoop())
      .map((resource) => resource.type)
      .sort();
  return {
    open: list,
    settled: async (timeoutMs = 2_000) => {
      const deadline = Date.now() + timeoutMs;
      while (list().length > 0 && Date.now() < deadline) await nextTurnOfTheEventLoop();
      return list();
    },
    stop: () => hook.disable(),
  };
}
