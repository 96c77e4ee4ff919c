import { intFrom } from "../options.js";

/** A layout of the live section: how the gateway's subscribers connect. */
export type LiveLayout = "ws" | "sse" | "redis";

const LAYOUTS: readonly LiveLayout[] = ["ws", "sse", "redis"];

/** Settings of the live-events section (webhook fan-out and webhook ingestion). */
export interface LiveOptions {
  /** Subscribers of each target, one subscription each (BENCH_LIVE_SUBSCRIBERS, default 1000). */
  subscribers: number;
  /**
   * Customers they are spread over (BENCH_LIVE_CUSTOMERS, default 100). Each round delivers one
   * event per customer at once, so every round reaches every subscriber.
   */
  customers: number;
  /** Measured rounds (BENCH_LIVE_ROUNDS, default 10), after a few unmeasured ones. */
  rounds: number;
  /**
   * Layouts measured, in order (BENCH_LIVE_LAYOUTS, comma-separated, default `ws,sse,redis`):
   * `ws` graphql-ws on one instance, `sse` graphql-sse (`/graphql/stream`) on one instance,
   * `redis` graphql-ws on two instances sharing Redis, half the subscribers on each, the webhooks
   * entering at the first.
   */
  layouts: LiveLayout[];
  /** The Redis the `redis` layout's instances share (BENCH_REDIS_URL, default redis://127.0.0.1:6379). */
  redisUrl: string;
  /**
   * When set (BENCH_LIVE_PROFILE, a label of [a-z0-9-]+), each layout's gateway is CPU-profiled
   * over its measured rounds, the summary written to bench/profiles/live-<label>-<layout>.txt.
   */
  profileLabel: string | undefined;
  /** Measured seconds of each webhook ingestion run (BENCH_WEBHOOK_DURATION, default 5; 0: none). */
  ingestionSeconds: number;
  /**
   * The gateways' Stripe limit per second (BENCH_LIVE_STRIPE_LIMIT): `lifted` (the default,
   * 10,000/s: the sandbox has no quota, so the figures show the fan-out, not the limiter),
   * `default` (the gateway's own, 25/s for a test key), or a number.
   */
  stripeLimit: StripeLimitSetting;
  /**
   * When true, each measured round starts from an idle Stripe budget: after the gateway's Stripe
   * calls of the previous round stopped (a second without one), and after a second's pause on the
   * baseline. The burst section (BENCH_ONLY=burst) sets it; the live section does not.
   */
  idleBetweenRounds: boolean;
}

function readProfileLabel(env: NodeJS.ProcessEnv): string | undefined {
  const profileLabel = env.BENCH_LIVE_PROFILE?.trim() || undefined;
  if (profileLabel !== undefined && !/^[a-z0-9-]+$/.test(profileLabel)) {
    throw new Error(`BENCH_LIVE_PROFILE must be [a-z0-9-]+, got "${profileLabel}"`);
  }
  return profileLabel;
}

/** The gateways' Stripe limit: lifted (10,000/s), the gateway's own default, or per second. */
export type StripeLimitSetting = "lifted" | "default" | number;

function readStripeLimit(raw: string | undefined, name: string): StripeLimitSetting {
  const value = raw?.trim() || "lifted";
  if (value === "lifted" || value === "default") return value;
  const perSecond = Number(value);
  if (!Number.isInteger(perSecond) || perSecond < 1 || perSecond > 100_000) {
    throw new Error(`${name} must be lifted, default or a whole number 1-100000, got "${value}"`);
  }
  return perSecond;
}

function readLayouts(raw: string | undefined): LiveLayout[] {
  const value = raw?.trim() || LAYOUTS.join(",");
  const layouts = value.split(",").map((each) => each.trim());
  const unknown = layouts.find((each) => !LAYOUTS.includes(each as LiveLayout));
  if (unknown !== undefined || layouts.length === 0) {
    throw new Error(`BENCH_LIVE_LAYOUTS must list some of ${LAYOUTS.join(", ")}, got "${value}"`);
  }
  return layouts as LiveLayout[];
}

/**
 * Parses the live-events settings. Throws an Error naming the variable when one is malformed, or
 * when the subscribers do not divide evenly over the customers (the gateway's per-customer socket
 * cap is raised to exactly subscribers / customers, at most 1,000; an even number per customer
 * with the `redis` layout, which splits them over two instances).
 */
export function readLiveOptions(env: NodeJS.ProcessEnv = process.env): LiveOptions {
  const subscribers = intFrom(env, "BENCH_LIVE_SUBSCRIBERS", 1_000, 1, 20_000);
  const customers = intFrom(env, "BENCH_LIVE_CUSTOMERS", 100, 1, 1_000);
  const layouts = readLayouts(env.BENCH_LIVE_LAYOUTS);
  const perCustomer = subscribers / customers;
  const even = !layouts.includes("redis") || perCustomer % 2 === 0;
  if (!Number.isInteger(perCustomer) || perCustomer > 1_000 || !even) {
    throw new Error(
      `BENCH_LIVE_SUBSCRIBERS (${subscribers}) must be a multiple of BENCH_LIVE_CUSTOMERS (${customers}), at most 1000 per customer${layouts.includes("redis") ? ", an even number per customer with the redis layout" : ""}`,
    );
  }
  const profileLabel = readProfileLabel(env);
  return {
    subscribers,
    customers,
    rounds: intFrom(env, "BENCH_LIVE_ROUNDS", 10, 1, 1_000),
    layouts,
    redisUrl: env.BENCH_REDIS_URL?.trim() || "redis://127.0.0.1:6379",
    profileLabel,
    ingestionSeconds: intFrom(env, "BENCH_WEBHOOK_DURATION", 5, 0, 300),
    stripeLimit: readStripeLimit(env.BENCH_LIVE_STRIPE_LIMIT, "BENCH_LIVE_STRIPE_LIMIT"),
    idleBetweenRounds: false,
  };
}

/**
 * The burst section's settings (BENCH_ONLY=burst): the live section's ws layout at 1,000
 * subscribers over 100 customers (BENCH_BURST_CUSTOMERS, BENCH_BURST_SOCKETS per customer), the
 * gateway at its default Stripe limit (BENCH_BURST_STRIPE_LIMIT: `lifted` or a number is the
 * control run), BENCH_BURST_ROUNDS measured bursts (default 3) of one event per customer, each from
 * an idle Stripe budget, no ingestion run; BENCH_LIVE_PROFILE profiles it as in the live section. Throws naming a malformed variable.
 */
export function readBurstOptions(env: NodeJS.ProcessEnv = process.env): LiveOptions {
  const customers = intFrom(env, "BENCH_BURST_CUSTOMERS", 100, 1, 1_000);
  const sockets = intFrom(env, "BENCH_BURST_SOCKETS", 10, 1, 100);
  return {
    subscribers: customers * sockets,
    customers,
    rounds: intFrom(env, "BENCH_BURST_ROUNDS", 3, 1, 100),
    layouts: ["ws"],
    redisUrl: "redis://127.0.0.1:6379",
    profileLabel: readProfileLabel(env),
    ingestionSeconds: 0,
    stripeLimit: readStripeLimit(
      env.BENCH_BURST_STRIPE_LIMIT?.trim() || "default",
      "BENCH_BURST_STRIPE_LIMIT",
    ),
    idleBetweenRounds: true,
  };
}
