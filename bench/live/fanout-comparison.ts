import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { ACCOUNT_EVENT_TYPES } from "../../src/stripe/event-types.js";
import { settledCounts } from "../calls.js";
import { ratio } from "../format.js";
import { type CpuProfile, summariseProfile } from "../lean/profile-summary.js";
import type { SandboxControl } from "../sandbox-control.js";
import { type BaselinePublish, TOPIC_HEADER } from "./baseline-ws.js";
import type { DeactivatedCustomer } from "./bench-customers.js";
import type { LiveBaseline, LiveGateway, ProbedProcess } from "./built-live.js";
import { type FanoutFigures, type FanoutTarget, measureFanout } from "./fanout.js";
import { stagesOfProfile } from "./profile-stages.js";
import { readCpu, readMemory, type ServerCost, serverCost } from "./server-figures.js";
import { postWebhook, signatureFor, stripeEventPayload } from "./stripe-events.js";
import { openSubscriberPool, type PoolGroup, type SubscriberPool } from "./subscriber-pool.js";
import type { SubscriberProtocol } from "./subscriber-protocol.js";

/** The subscription every bench subscriber runs, on the gateway and on the baseline alike. */
export const FANOUT_SUBSCRIPTION =
  "subscription { accountDeactivated { eventId type occurredAt cause action account { id status } } }";

/** What one target (the gateway's instances, or the baseline) gave. */
export interface TargetFigures {
  fanout: FanoutFigures;
  cost: ServerCost;
  /** Errors carried by subscription results, receipts after their round stopped waiting. */
  errors: number;
  late: number;
  firstError: string;
}

/** One layout measured on the gateway and on the bare baseline. */
export interface FanoutComparison {
  /** "graphql-ws", "graphql-sse", "graphql-ws, 2 instances on Redis". */
  label: string;
  protocol: SubscriberProtocol;
  /** Gateway instances holding the subscribers (the webhooks all enter at the first). */
  instances: number;
  customers: number;
  subscribersPerCustomer: number;
  subscribers: number;
  gateway: TargetFigures;
  baseline: TargetFigures;
  /** True when `baseline` is another layout's run on the same clients (not measured again). */
  baselineShared: boolean;
  /**
   * Sandbox `/v1` requests per webhook during the gateway's whole run, unmeasured rounds included
   * (a deactivation's background re-read of its authorization counts 1).
   */
  gatewayStripeCallsPerEvent: number | null;
  /** The Stripe limit the gateway ran under, requests per second. */
  gatewayStripeRateLimitPerSecond: number;
  /** gateway / baseline. */
  ratios: {
    p50: number | null;
    p99: number | null;
    lastReceiptP50: number | null;
    lastReceiptMax: number | null;
    cpuPerDelivery: number | null;
    heapPerIdleSubscription: number | null;
  };
  /** The gateway's CPU profile summary under the measured rounds, when one was asked for. */
  profileFile?: string;
  /** The baseline's, beside it (when it was measured in this layout). */
  baselineProfileFile?: string;
}

const FANOUT_SETTINGS = { warmupRounds: 3, timeoutMs: 20_000 };

/** How one target is measured. */
interface TargetRun {
  name: string;
  servers: readonly ProbedProcess[];
  openPool: () => Promise<SubscriberPool>;
  target: FanoutTarget;
  rounds: number;
  idPrefix: string;
  /** Writes the first server's CPU profile summary under the measured rounds here. */
  profileFile?: string;
  /** Awaited before each measured round (see FanoutSettings.beforeEachRound). */
  beforeEachRound?: () => Promise<void>;
  progress: (message: string) => void;
}

async function writeProfileSummary(
  stop: (file: string) => Promise<void>,
  file: string,
  title: string,
): Promise<void> {
  const raw = `${file.replace(/\.txt$/, "")}.cpuprofile`;
  await mkdir(dirname(file), { recursive: true });
  await stop(raw);
  const profile = JSON.parse(await readFile(raw, "utf8")) as CpuProfile;
  await writeFile(file, `${summariseProfile(profile, title, 30)}\n${stagesOfProfile(profile)}\n`);
}

/**
 * Reads the servers' memory, connects the pool, measures the fan-out with the servers' memory
 * read idle and after the rounds and their CPU time over the measured rounds, then closes the
 * pool whatever happened.
 */
async function measureTarget(run: TargetRun): Promise<TargetFigures> {
  let triggered = 0;
  const target: FanoutTarget = {
    groups: run.target.groups,
    prepare: (group, eventId) => {
      const send = run.target.prepare(group, eventId);
      return () => {
        triggered += 1;
        return send();
      };
    },
  };
  const before = await readMemory(run.servers);
  const snapshots = process.env.BENCH_LIVE_HEAP_SNAPSHOTS;
  const snapshot = async (phase: string) => {
    if (snapshots === undefined || snapshots === "") return;
    const file = join(snapshots, `${run.idPrefix}-${phase}.heapsnapshot`);
    await run.servers[0]?.heapSnapshot(file);
    run.progress(`live: ${run.name}: heap snapshot ${file}`);
  };
  await snapshot("before");
  const pool = await run.openPool();
  let idle = before;
  let afterEvents = before;
  let eventsBeforeAfterReading = 0;
  let cpuAtStart = 0;
  let cpuMicros = 0;
  let stopProfile: ((file: string) => Promise<void>) | undefined;
  try {
    run.progress(`live: ${run.name}: ${run.rounds} measured rounds of ${target.groups} events`);
    const fanout = await measureFanout(pool, target, {
      ...FANOUT_SETTINGS,
      rounds: run.rounds,
      idPrefix: run.idPrefix,
      ...(run.beforeEachRound === undefined ? {} : { beforeEachRound: run.beforeEachRound }),
      phases: {
        idle: async () => {
          idle = await readMemory(run.servers);
          await snapshot("idle");
        },
        measuring: async () => {
          if (run.profileFile !== undefined) stopProfile = await run.servers[0]?.profile();
          cpuAtStart = await readCpu(run.servers);
        },
        measured: async () => {
          cpuMicros = (await readCpu(run.servers)) - cpuAtStart;
          if (stopProfile !== undefined && run.profileFile !== undefined) {
            await writeProfileSummary(
              stopProfile,
              run.profileFile,
              `CPU profile, ${run.name}, measured rounds (${new Date().toISOString()})`,
            );
          }
          eventsBeforeAfterReading = triggered;
          afterEvents = await readMemory(run.servers);
        },
      },
    });
    const closed = await pool.close();
    return {
      fanout,
      cost: serverCost({
        before,
        idle,
        afterEvents,
        eventsBeforeAfterReading,
        subscriptions: pool.connected,
        cpuMicros,
        deliveries: fanout.deliveries,
      }),
      ...closed,
    };
  } catch (error) {
    await pool.close();
    throw error;
  }
}

/** Prints connecting progress at most every tenth of the way (and at the end). */
function connectProgress(name: string, progress: (message: string) => void) {
  let shown = -1;
  return (connected: number, total: number) => {
    const tenth = Math.floor((connected / total) * 10);
    if (tenth === shown) return;
    shown = tenth;
    progress(`live: ${name}: ${connected}/${total} subscribers connected`);
  };
}

/** The layout: which customers' subscribers go where, and how they sign in. */
export interface FanoutLayout {
  protocol: SubscriberProtocol;
  customers: DeactivatedCustomer[];
  subscribersPerCustomer: number;
  rounds: number;
  /**
   * Each measured round starts from an idle Stripe budget: on the gateway once the sandbox saw no
   * request for a second (the previous round's background reads done), on the baseline after a
   * second's pause.
   */
  idleBetweenRounds: boolean;
  progress: (message: string) => void;
}

/** How long the sandbox must see no request before a round counts as starting from idle. */
const QUIET_MS = 1_000;
/** At most this long waiting for it (the gateway's reads of a round at 25/s take seconds). */
const QUIET_TIMEOUT_MS = 60_000;

/** Resolves once the sandbox's request counter stayed still for QUIET_MS (or after the timeout). */
async function quietStripe(sandbox: SandboxControl): Promise<void> {
  const deadline = Date.now() + QUIET_TIMEOUT_MS;
  let previous = (await sandbox.requestCounts()).total;
  for (;;) {
    await sleep(QUIET_MS);
    const current = (await sandbox.requestCounts()).total;
    if (current === previous || Date.now() > deadline) return;
    previous = current;
  }
}

/** The bare baseline measured on `layout` (one topic per customer, triggered by POST /publish). */
export async function measureBaseline(
  baseline: LiveBaseline,
  layout: FanoutLayout,
  profileFile?: string,
): Promise<TargetFigures> {
  const name = `baseline (${layout.protocol})`;
  const topic = (group: number) => `customer-${group}`;
  const groups: PoolGroup[] = layout.customers.map((_, group) => ({
    credentials: { [TOPIC_HEADER]: topic(group) },
    subscribers: layout.subscribersPerCustomer,
  }));
  return measureTarget({
    name,
    servers: [baseline],
    openPool: () =>
      openSubscriberPool(
        layout.protocol,
        layout.protocol === "ws" ? baseline.wsUrl : baseline.sseUrl,
        FANOUT_SUBSCRIPTION,
        groups,
        connectProgress(name, layout.progress),
      ),
    target: {
      groups: layout.customers.length,
      prepare: (group, eventId) => {
        const message: BaselinePublish = {
          topic: topic(group),
          event: {
            eventId,
            type: "DEACTIVATED",
            occurredAt: new Date().toISOString(),
            cause: "ACCESS_EXPIRED",
            action: "RELINK",
            account: { id: layout.customers[group]?.accountId ?? "", status: "INACTIVE" },
          },
        };
        const body = JSON.stringify(message);
        return async () => {
          const answer = await fetch(baseline.publishUrl, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body,
          });
          await answer.arrayBuffer();
          if (answer.status !== 204) throw new Error(`baseline answered ${answer.status}`);
        };
      },
    },
    rounds: layout.rounds,
    idPrefix: `bl${layout.protocol}`,
    ...(layout.idleBetweenRounds ? { beforeEachRound: () => sleep(QUIET_MS) } : {}),
    ...(profileFile === undefined ? {} : { profileFile }),
    progress: layout.progress,
  });
}

/**
 * The gateway measured on `layout`: each customer's subscribers split evenly over `instances`
 * (each its own pool), rounds of signed `…account.deactivated` webhooks (one per customer, POSTed
 * at once to the first instance), timed from each POST to each subscriber's message.
 */
export async function measureGateway(
  instances: readonly LiveGateway[],
  sandbox: SandboxControl,
  layout: FanoutLayout,
  idPrefix: string,
  profileFile: string | undefined,
): Promise<{ figures: TargetFigures; stripeCallsPerEvent: number | null }> {
  const entry = instances[0];
  if (entry === undefined) throw new Error("no gateway instance");
  const name = `gateway (${layout.protocol}${instances.length > 1 ? `, ${instances.length} instances` : ""})`;
  const perInstance = layout.subscribersPerCustomer / instances.length;
  const credentials = await Promise.all(
    layout.customers.map(async (customer) => ({
      authorization: await entry.authorizationFor(customer.customerId),
    })),
  );
  const progress = connectProgress(name, layout.progress);
  const openPools = async (): Promise<SubscriberPool> => {
    const pools: SubscriberPool[] = [];
    const connected = instances.map(() => 0);
    try {
      for (const [index, instance] of instances.entries()) {
        pools.push(
          await openSubscriberPool(
            layout.protocol,
            layout.protocol === "ws" ? instance.wsUrl : instance.sseUrl,
            FANOUT_SUBSCRIPTION,
            credentials.map((each) => ({ credentials: each, subscribers: perInstance })),
            (count) => {
              connected[index] = count;
              progress(
                connected.reduce((sum, each) => sum + each, 0),
                layout.subscribersPerCustomer * layout.customers.length,
              );
            },
          ),
        );
      }
    } catch (error) {
      await Promise.all(pools.map((pool) => pool.close()));
      throw error;
    }
    return combinedPool(pools);
  };
  let webhooks = 0;
  await sandbox.resetRequests();
  const figures = await measureTarget({
    name,
    servers: instances,
    openPool: openPools,
    target: {
      groups: layout.customers.length,
      prepare: (group, eventId) => {
        const customer = layout.customers[group];
        const payload = stripeEventPayload(
          ACCOUNT_EVENT_TYPES.deactivated,
          customer?.account,
          eventId,
        );
        const signature = signatureFor(payload, entry.webhookSecret);
        return async () => {
          webhooks += 1;
          const answer = await postWebhook(entry.webhookUrl, payload, signature);
          if (answer.status !== 200 || answer.outcome !== "published") {
            throw new Error(`gateway answered ${answer.status} "${answer.outcome}" to ${eventId}`);
          }
        };
      },
    },
    rounds: layout.rounds,
    idPrefix,
    ...(layout.idleBetweenRounds ? { beforeEachRound: () => quietStripe(sandbox) } : {}),
    ...(profileFile === undefined ? {} : { profileFile }),
    progress: layout.progress,
  });
  // At the default limit the last round's background re-reads take seconds: count them all.
  if (layout.idleBetweenRounds) await quietStripe(sandbox);
  const stripeCalls = await settledCounts(sandbox);
  return { figures, stripeCallsPerEvent: ratio(stripeCalls.total, webhooks) };
}

/** Several pools as one: an event's receipts are every pool's, closing closes them all. */
function combinedPool(pools: readonly SubscriberPool[]): SubscriberPool {
  if (pools.length === 1 && pools[0] !== undefined) return pools[0];
  const first = pools[0];
  return {
    connected: pools.reduce((sum, pool) => sum + pool.connected, 0),
    groupSizes: (first?.groupSizes ?? []).map((_, group) =>
      pools.reduce((sum, pool) => sum + (pool.groupSizes[group] ?? 0), 0),
    ),
    receipts: async (eventId, group, timeoutMs) => {
      const all = await Promise.all(pools.map((pool) => pool.receipts(eventId, group, timeoutMs)));
      return { times: all.flatMap((receipts) => receipts.times) };
    },
    close: async () => {
      const all = await Promise.all(pools.map((pool) => pool.close()));
      return {
        errors: all.reduce((sum, each) => sum + each.errors, 0),
        late: all.reduce((sum, each) => sum + each.late, 0),
        firstError: all.find((each) => each.firstError !== "")?.firstError ?? "",
      };
    },
  };
}

/** The comparison's ratios, gateway over baseline. */
export function fanoutRatios(
  gateway: TargetFigures,
  baseline: TargetFigures,
): FanoutComparison["ratios"] {
  return {
    p50: ratio(gateway.fanout.latencyMs.p50, baseline.fanout.latencyMs.p50),
    p99: ratio(gateway.fanout.latencyMs.p99, baseline.fanout.latencyMs.p99),
    lastReceiptP50: ratio(gateway.fanout.lastReceiptMs.p50, baseline.fanout.lastReceiptMs.p50),
    lastReceiptMax: ratio(gateway.fanout.lastReceiptMs.max, baseline.fanout.lastReceiptMs.max),
    cpuPerDelivery: ratio(
      gateway.cost.cpuMicrosPerDelivery ?? 0,
      baseline.cost.cpuMicrosPerDelivery ?? 0,
    ),
    heapPerIdleSubscription: ratio(
      gateway.cost.perSubscriptionIdleKb.heap,
      baseline.cost.perSubscriptionIdleKb.heap,
    ),
  };
}
