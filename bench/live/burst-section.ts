import { writeFile } from "node:fs/promises";
import { Session } from "node:inspector/promises";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { signToken } from "../../src/auth/sign-token.js";
import { loadConfig } from "../../src/config/config.js";
import { createLogger } from "../../src/observability/logger.js";
import { startGateway } from "../../src/server/gateway.js";
import { ACCOUNT_EVENT_TYPES } from "../../src/stripe/event-types.js";
import { startExternalSandbox } from "../external-sandbox.js";
import { fixed, ratio, table, times } from "../format.js";
import { type CpuProfile, summariseProfile } from "../lean/profile-summary.js";
import { intFrom } from "../options.js";
import { type SandboxControl, sandboxControl } from "../sandbox-control.js";
import { startBaselineWs } from "./baseline-ws.js";
import { type DeactivatedCustomer, deactivatedCustomers } from "./bench-customers.js";
import { FANOUT_SUBSCRIPTION } from "./fanout-comparison.js";
import { type Distribution, distribution } from "./stats.js";
import { postWebhook, signatureFor, stripeEventPayload } from "./stripe-events.js";
import { openSubscriberPool, type SubscriberPool } from "./subscriber-pool.js";

/** Settings of the burst section (BENCH_ONLY=burst). */
export interface BurstOptions {
  /** Customers, one event each per burst (BENCH_BURST_CUSTOMERS, default 100). */
  customers: number;
  /** Sockets per customer (BENCH_BURST_SOCKETS, default 10: 1,000 subscribers). */
  socketsPerCustomer: number;
  /** Measured bursts (BENCH_BURST_ROUNDS, default 3), after one unmeasured. */
  rounds: number;
  /**
   * The gateway's Stripe limit per second (BENCH_BURST_STRIPE_LIMIT; 0, the default: the
   * gateway's own default, 25 for a test key). A high value is the control run that tells the
   * Stripe budget's share of the latency from the fan-out's own.
   */
  stripeLimit: number;
}

/** Reads the burst section's settings; throws naming a malformed variable. */
export function readBurstOptions(env: NodeJS.ProcessEnv = process.env): BurstOptions {
  return {
    customers: intFrom(env, "BENCH_BURST_CUSTOMERS", 100, 1, 1_000),
    socketsPerCustomer: intFrom(env, "BENCH_BURST_SOCKETS", 10, 1, 100),
    rounds: intFrom(env, "BENCH_BURST_ROUNDS", 3, 1, 100),
    stripeLimit: intFrom(env, "BENCH_BURST_STRIPE_LIMIT", 0, 0, 100_000),
  };
}

/** One target's figures over the measured bursts. */
export interface BurstFigures {
  events: number;
  deliveries: number;
  missed: number;
  /** From each event's trigger to each subscriber's receipt. */
  latencyMs: Distribution;
  /** From each burst's first trigger to its last receipt. */
  burstMs: Distribution;
}

/** What the burst section measured. */
export interface BurstResults {
  customers: number;
  subscribers: number;
  stripeRateLimitPerSecond: number;
  gateway: BurstFigures;
  baseline: BurstFigures;
  /** Sandbox `/v1` requests per event, counted once the gateway's background reads settled. */
  gatewayStripeCallsPerEvent: number | null;
  ratios: { p50: number | null; p99: number | null };
}

/**
 * Profiles the main thread (the gateway's) while `measure` runs, when BENCH_BURST_PROFILE names
 * a file: its summary (bench/lean/profile-summary.ts) goes to stderr, the profile to the file.
 */
async function profiled<T>(measure: () => Promise<T>): Promise<T> {
  const file = process.env.BENCH_BURST_PROFILE;
  if (!file) return measure();
  const session = new Session();
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.start");
  try {
    return await measure();
  } finally {
    const { profile } = await session.post("Profiler.stop");
    session.disconnect();
    await writeFile(file, JSON.stringify(profile));
    process.stderr.write(`${summariseProfile(profile as CpuProfile, "gateway bursts", 30)}\n`);
  }
}

/** How long a burst waits for its last receipt (the gateway at 25/s once took ~8 s a burst). */
const BURST_TIMEOUT_MS = 60_000;
const now = () => performance.timeOrigin + performance.now();

/** Waits until the sandbox's request counter stayed still for a second (at most 60 s). */
async function quietStripe(sandbox: SandboxControl): Promise<number> {
  const deadline = Date.now() + 60_000;
  let previous = (await sandbox.requestCounts()).total;
  for (;;) {
    await sleep(1_000);
    const current = (await sandbox.requestCounts()).total;
    if (current === previous || Date.now() > deadline) return current;
    previous = current;
  }
}

/** Sends one burst (one event per group, all at once) and collects every receipt. */
async function burst(
  pool: SubscriberPool,
  groups: number,
  send: (group: number, eventId: string) => () => Promise<void>,
  label: string,
  timeoutMs = BURST_TIMEOUT_MS,
): Promise<{ latencies: number[]; lastMs: number; missed: number }> {
  const prepared = Array.from({ length: groups }, (_, group) => {
    const eventId = `evt_burst${label}g${group}`;
    return { eventId, go: send(group, eventId) };
  });
  const start = now();
  const sent = prepared.map(({ eventId, go }) => ({ eventId, at: now(), done: go() }));
  const received = await Promise.all(
    sent.map(async ({ eventId, at, done }, group) => {
      const [receipts] = await Promise.all([pool.receipts(eventId, timeoutMs), done]);
      return { at, times: receipts.times, expected: pool.groupSizes[group] ?? 0 };
    }),
  );
  const latencies = received.flatMap(({ at, times: arrivals }) => arrivals.map((t) => t - at));
  const last = Math.max(start, ...received.flatMap(({ times: arrivals }) => arrivals));
  const missed = received.reduce(
    (sum, { times: arrivals, expected }) => sum + Math.max(0, expected - arrivals.length),
    0,
  );
  return { latencies, lastMs: last - start, missed };
}

/**
 * Runs one unmeasured burst (it also shows every subscription is registered), then `rounds`
 * measured ones, each after `settle` (the gateway's background Stripe reads of the previous
 * burst finished: every burst starts from an idle Stripe budget, as a bank outage would).
 */
async function measureBursts(
  pool: SubscriberPool,
  groups: number,
  rounds: number,
  idPrefix: string,
  send: (group: number, eventId: string) => () => Promise<void>,
  settle: () => Promise<unknown>,
  readyTimeoutMs: number,
): Promise<BurstFigures> {
  // graphql-ws acknowledges no subscription: a burst that reached everyone shows all registered.
  let missedReady = -1;
  for (let attempt = 0; attempt < 10 && missedReady !== 0; attempt += 1) {
    missedReady = (await burst(pool, groups, send, `${idPrefix}ready${attempt}`, readyTimeoutMs))
      .missed;
  }
  if (missedReady !== 0) throw new Error(`no burst reached all ${pool.connected} subscribers`);
  const latencies: number[] = [];
  const bursts: number[] = [];
  let missed = 0;
  for (let index = 0; index < rounds; index += 1) {
    await settle();
    const measured = await burst(pool, groups, send, `${idPrefix}r${index}`);
    latencies.push(...measured.latencies);
    bursts.push(measured.lastMs);
    missed += measured.missed;
  }
  return {
    events: rounds * groups,
    deliveries: latencies.length,
    missed,
    latencyMs: distribution(latencies),
    burstMs: distribution(bursts),
  };
}

/**
 * The burst section: a sandbox in its own process, `customers` customers with one deactivated
 * account each, a gateway at the default Stripe limit (25/s for a test key) with
 * `socketsPerCustomer` graphql-ws subscribers of each customer, and bursts of one signed
 * `…account.deactivated` webhook per customer POSTed at once; then a bare graphql-ws server
 * broadcasting the same payload to the same layout. Closes everything it started.
 */
export async function runBurstSection(
  options: BurstOptions,
  progress: (message: string) => void,
): Promise<BurstResults> {
  const sandboxProcess = await startExternalSandbox();
  try {
    const sandbox = sandboxControl(sandboxProcess.url);
    progress(`burst: creating ${options.customers} customers with a deactivated account`);
    const customers = await deactivatedCustomers(sandbox, sandboxProcess.url, options.customers);
    const gateway = await measureGateway(sandboxProcess.url, sandbox, customers, options, progress);
    const baseline = await measureBaseline(customers, options, progress);
    return {
      customers: options.customers,
      subscribers: options.customers * options.socketsPerCustomer,
      stripeRateLimitPerSecond: gateway.limit,
      gateway: gateway.figures,
      baseline,
      gatewayStripeCallsPerEvent: ratio(gateway.calls, gateway.figures.events),
      ratios: {
        p50: ratio(gateway.figures.latencyMs.p50, baseline.latencyMs.p50),
        p99: ratio(gateway.figures.latencyMs.p99, baseline.latencyMs.p99),
      },
    };
  } finally {
    await sandboxProcess.close();
  }
}

async function measureGateway(
  sandboxUrl: string,
  sandbox: SandboxControl,
  customers: DeactivatedCustomer[],
  options: BurstOptions,
  progress: (message: string) => void,
) {
  // The default Stripe limit: only what the layout needs is changed.
  const config = loadConfig({
    STRIPE_MAX_RETRIES: "0",
    LOG_LEVEL: "silent",
    WS_MAX_SOCKETS_PER_CUSTOMER: String(Math.max(10, options.socketsPerCustomer)),
    ...(options.stripeLimit > 0
      ? { STRIPE_RATE_LIMIT_PER_SECOND: String(options.stripeLimit) }
      : {}),
  });
  const handle = await startGateway({
    config,
    logger: createLogger("silent"),
    stripeApiBase: sandboxUrl,
    port: 0,
  });
  try {
    const secret = config.webhookSecrets[0] ?? "";
    const webhookUrl = `${handle.url}/webhooks/stripe`;
    progress(`burst: connecting ${options.customers * options.socketsPerCustomer} subscribers`);
    const pool = await openSubscriberPool(
      `${handle.url.replace(/^http/, "ws")}/graphql`,
      FANOUT_SUBSCRIPTION,
      await Promise.all(
        customers.map(async ({ customerId }) => ({
          connectionParams: {
            authorization: `Bearer ${await signToken(config.auth, { customerId, ttlSeconds: 3600 })}`,
          },
          sockets: options.socketsPerCustomer,
        })),
      ),
    );
    let calls = 0;
    let before = 0;
    try {
      progress(`burst: ${options.rounds} bursts of ${customers.length} webhooks, gateway`);
      const send = (group: number, eventId: string) => {
        const payload = stripeEventPayload(
          ACCOUNT_EVENT_TYPES.deactivated,
          customers[group]?.account,
          eventId,
        );
        const signature = signatureFor(payload, secret);
        return async () => {
          const answer = await postWebhook(webhookUrl, payload, signature);
          if (answer.status !== 200 || answer.outcome !== "published")
            throw new Error(`gateway answered ${answer.status} "${answer.outcome}" to ${eventId}`);
        };
      };
      let measuring = false;
      const figures = await profiled(() =>
        measureBursts(
          pool,
          customers.length,
          options.rounds,
          "gw",
          send,
          async () => {
            const settled = await quietStripe(sandbox);
            if (measuring) calls += settled - before;
            measuring = true;
            before = settled;
          },
          BURST_TIMEOUT_MS,
        ),
      );
      calls += (await quietStripe(sandbox)) - before;
      return { figures, calls, limit: config.stripe.rateLimit.perSecond };
    } finally {
      await pool.close();
    }
  } finally {
    await handle.close();
  }
}

async function measureBaseline(
  customers: DeactivatedCustomer[],
  options: BurstOptions,
  progress: (message: string) => void,
): Promise<BurstFigures> {
  const server = await startBaselineWs();
  try {
    const topic = (group: number) => `customer-${group}`;
    const pool = await openSubscriberPool(
      server.url,
      FANOUT_SUBSCRIPTION,
      customers.map((_, group) => ({
        connectionParams: { topic: topic(group) },
        sockets: options.socketsPerCustomer,
      })),
    );
    try {
      progress(`burst: ${options.rounds} bursts of ${customers.length} publishes, baseline`);
      return await measureBursts(
        pool,
        customers.length,
        options.rounds,
        "bl",
        (group, eventId) => {
          const event = {
            eventId,
            type: "DEACTIVATED",
            occurredAt: new Date().toISOString(),
            cause: "ACCESS_EXPIRED",
            action: "RELINK",
            account: { id: customers[group]?.accountId ?? "", status: "INACTIVE" },
          };
          return async () => server.publish(topic(group), event);
        },
        () => sleep(1_000),
        5_000,
      );
    } finally {
      await pool.close();
    }
  } finally {
    await server.close();
  }
}

/** The section's lines for stdout. */
export function formatBurst(results: BurstResults): string {
  const row = (name: string, figures: BurstFigures) => [
    name,
    String(figures.deliveries),
    String(figures.missed),
    fixed(figures.latencyMs.p50, 1),
    fixed(figures.latencyMs.p99, 1),
    fixed(figures.burstMs.p50, 1),
  ];
  return [
    `Burst of ${results.customers} lifecycle events to ${results.subscribers} subscribers at a Stripe limit of ${results.stripeRateLimitPerSecond}/s: p99 vs bare graphql-ws broadcast ${times(results.ratios.p99)} (goal <= 2x), p50 ${times(results.ratios.p50)}; Stripe calls per event ${fixed(results.gatewayStripeCallsPerEvent, 2)}`,
    table(
      ["target", "deliveries", "missed", "p50 ms", "p99 ms", "burst p50 ms"],
      [row("gateway", results.gateway), row("bare graphql-ws", results.baseline)],
    ),
  ].join("\n");
}
