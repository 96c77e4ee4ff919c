/**
 * Deterministic waits for tests: resolve when the awaited thing happens, fail with a message
 * naming it after a deadline. Never used to let time pass "so that anything wrong would show":
 * a negative is proven by an event that must come after it (see `receivedBefore` in live.ts).
 */
import { setTimeout as sleep } from "node:timers/promises";

/** How long a wait may take before it fails the test. */
export const DEFAULT_WAIT_MS = 5_000;

/** How often `waitFor` re-reads a state that announces nothing, unless told otherwise. */
const POLL_INTERVAL_MS = 10;

const timedOut = (what: string, timeoutMs: number) =>
  new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);

/**
 * Polls `probe` (sync or async) every `intervalMs` until it answers something other than
 * undefined, and resolves with that; rejects naming `what` after `timeoutMs`. For states nothing
 * announces (the sandbox's delivery record, a server's listening flag); prefer `Changes.until`
 * where a change is announced.
 */
export async function waitFor<T>(
  probe: () => T | undefined | Promise<T | undefined>,
  what: string,
  timeoutMs = DEFAULT_WAIT_MS,
  intervalMs = POLL_INTERVAL_MS,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw timedOut(what, timeoutMs);
    await sleep(intervalMs);
  }
}

/** `waitFor` for a condition: resolves once `condition` holds, rejects after `timeoutMs`. */
export async function eventually(
  condition: () => boolean | Promise<boolean>,
  timeoutMs = DEFAULT_WAIT_MS,
  what = "condition",
): Promise<void> {
  await waitFor(async () => ((await condition()) ? true : undefined), what, timeoutMs);
}

/**
 * A change announcer: whatever records things (a webhook receiver, a proxy, a subscription feed)
 * calls `notify` after each record, and waits re-check their probe then, with no polling.
 */
export class Changes {
  private readonly waiters = new Set<() => void>();

  /** Announces that something was recorded: every pending `until` and watcher re-checks. */
  notify(): void {
    for (const waiter of [...this.waiters]) waiter();
  }

  /** Calls `listener` on each `notify` until the returned function is called. */
  watch(listener: () => void): () => void {
    this.waiters.add(listener);
    return () => {
      this.waiters.delete(listener);
    };
  }

  /**
   * Resolves with `probe`'s first answer other than undefined, checked now and after each
   * `notify`; rejects naming `what` after `timeoutMs` (or when `probe` throws).
   */
  until<T>(probe: () => T | undefined, what: string, timeoutMs = DEFAULT_WAIT_MS): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const finish = (complete: () => void) => {
        clearTimeout(deadline);
        this.waiters.delete(check);
        complete();
      };
      const check = () => {
        try {
          const value = probe();
          if (value !== undefined) finish(() => resolve(value));
        } catch (error) {
          finish(() => reject(error));
        }
      };
      const deadline = setTimeout(() => finish(() => reject(timedOut(what, timeoutMs))), timeoutMs);
      this.waiters.add(check);
      check();
    });
  }
}

/**
 * Resolves once the wall clock is in a later whole second than when called. Stripe dates events
 * in whole seconds (`created`): an event the sandbox emits afterwards is dated strictly after
 * whatever the gateway read before the call, so the gateway knows the event's state is newer.
 */
export async function nextSecond(): Promise<void> {
  const second = Math.floor(Date.now() / 1000);
  while (Math.floor(Date.now() / 1000) === second) await sleep(1_001 - (Date.now() % 1000));
}
