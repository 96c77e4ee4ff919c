import type { JsonObject } from "../state/json.js";
import type { StripeErrorType } from "./errors.js";

/** What a faulted answer's `error` object says beyond its status; unset parts follow the status. */
export interface FaultErrorShape {
  type: StripeErrorType | null;
  code: string | null;
  param: string | null;
}

/** One planned fault: what the next `remaining` matching requests suffer. */
export interface Fault {
  id: number;
  remaining: number;
  /** Error status to answer with, or null to only delay (or drop). */
  status: number | null;
  delayMs: number;
  /** A route key (`GET /v1/...{account}`), or null for any `/v1` request. */
  route: string | null;
  /** Destroy the socket instead of answering. */
  drop: boolean;
  /** The error's `type`, `code` and `param` (null: what Stripe sends for the status). */
  error: FaultErrorShape;
}

/** What happens to one request, taken from the plan. */
export type FaultEffect = Pick<Fault, "status" | "delayMs" | "drop" | "error">;

/**
 * The faults planned through the control API. Each `/v1` request takes (and uses up) the first
 * planned fault whose route matches, in the order they were added.
 */
export class FaultPlan {
  private faults: Fault[] = [];
  private nextId = 1;

  add(fault: Omit<Fault, "id">): Fault {
    const planned = { ...fault, id: this.nextId++ };
    this.faults.push(planned);
    return planned;
  }

  clear(): void {
    this.faults = [];
  }

  /** The fault for a request to `routeKey`, consuming one use of it; undefined when none applies. */
  take(routeKey: string): FaultEffect | undefined {
    const fault = this.faults.find(
      (f) => f.remaining > 0 && (f.route === null || f.route === routeKey),
    );
    if (!fault) return undefined;
    fault.remaining -= 1;
    if (fault.remaining === 0) this.faults = this.faults.filter((f) => f !== fault);
    return { status: fault.status, delayMs: fault.delayMs, drop: fault.drop, error: fault.error };
  }

  /** The faults still planned, as the control API lists them. */
  describe(): JsonObject[] {
    return this.faults.map((fault) => ({
      id: fault.id,
      remaining: fault.remaining,
      status: fault.status,
      delay_ms: fault.delayMs,
      route: fault.route,
      drop: fault.drop,
      type: fault.error.type,
      code: fault.error.code,
      param: fault.error.param,
    }));
  }
}
