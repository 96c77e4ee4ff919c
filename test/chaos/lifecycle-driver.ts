/**
 * The steady webhook stream of the chaos suite: the sandbox deactivates and reactivates accounts
 * in turn (one at a time, round robin, at a fixed rate), and sends Stripe's lifecycle event for
 * each. Going round every account before touching one again, each account changes once per
 * round, so a fault shorter than a round never turns an event stale (its account still says what
 * it says when the gateway re-reads it): every event the sandbox sends must be published.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { ControlApi } from "../support/sandbox-control.js";

export class LifecycleDriver {
  private readonly inactive = new Set<string>();
  private next = 0;
  private running = false;
  private paused = false;
  private loop: Promise<void> | undefined;
  private acting: Promise<unknown> = Promise.resolve();
  /** Lifecycle actions done, and those the sandbox refused. */
  actions = 0;
  failures: string[] = [];

  constructor(
    private readonly control: ControlApi,
    private readonly accounts: string[],
    private readonly perSecond: number,
  ) {}

  /** Starts the stream. */
  start(): void {
    this.running = true;
    this.loop = (async () => {
      while (this.running) {
        if (!this.paused) {
          this.acting = this.act();
          await this.acting;
        }
        await sleep(1_000 / this.perSecond);
      }
    })();
  }

  /** Stops sending and resolves once the action in progress is done. */
  async pause(): Promise<void> {
    this.paused = true;
    await this.acting;
  }

  resume(): void {
    this.paused = false;
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  /** Seconds between two changes of one account. */
  roundSeconds(): number {
    return this.accounts.length / this.perSecond;
  }

  private async act(): Promise<void> {
    const account = this.accounts[this.next % this.accounts.length] as string;
    this.next += 1;
    try {
      if (this.inactive.has(account)) {
        await this.control.account(account, "reactivate");
        this.inactive.delete(account);
      } else {
        // An account-level cause: only this account goes down (one event).
        await this.control.account(account, "deactivate", { cause: "account_closed" });
        this.inactive.add(account);
      }
      this.actions += 1;
    } catch (error) {
      this.failures.push(String(error));
    }
  }
}
