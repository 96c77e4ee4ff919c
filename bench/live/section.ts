import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Redis } from "ioredis";
import { sandboxControl } from "../sandbox-control.js";
import { deactivatedCustomers } from "./bench-customers.js";
import {
  type LiveBaseline,
  type LiveGateway,
  startBuiltSandbox,
  startLiveBaseline,
  startLiveGateway,
} from "./built-live.js";
import { checkDescriptorRoom, openFileLimit, SPARE_DESCRIPTORS } from "./descriptor-limit.js";
import {
  type FanoutComparison,
  type FanoutLayout,
  fanoutRatios,
  measureBaseline,
  measureGateway,
  type TargetFigures,
} from "./fanout-comparison.js";
import { compareIngestion, type IngestionComparison } from "./ingestion-comparison.js";
import type { LiveLayout, LiveOptions } from "./options.js";
import { processesFor, SUBSCRIBERS_PER_PROCESS } from "./subscriber-pool.js";

/** Figures of the live-events section: the `live` part of bench/results/latest.json. */
export interface LiveResults {
  subscribers: number;
  customers: number;
  rounds: number;
  /** Subscriber processes per target, and the open-file limit they and the servers ran under. */
  subscriberProcesses: number;
  openFileLimit: number | null;
  fanout: FanoutComparison[];
  /** Null when BENCH_WEBHOOK_DURATION=0. */
  ingestion: IngestionComparison | null;
}

const LABELS: Record<LiveLayout, string> = {
  ws: "graphql-ws",
  sse: "graphql-sse (/graphql/stream)",
  redis: "graphql-ws, 2 instances on Redis",
};

const PROFILES = fileURLToPath(new URL("../profiles/", import.meta.url));

/** Deletes every Redis key under `prefix` (the section's own, unique per run). */
async function deleteRedisKeys(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 1000);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== "0");
  } finally {
    redis.disconnect();
  }
}

/**
 * The live-events section, every server as production runs it in its own process: a built
 * sandbox, and for each layout fresh built gateway instance(s) measured against the bare baseline
 * process on the same clients (webhook-to-subscriber latency, memory per subscription, CPU per
 * delivered message); then webhook ingestion on a gateway. Checks the open-file limit before
 * starting anything (throws naming it), reports progress, and closes everything it started
 * whatever happened.
 */
export async function runLiveSection(
  options: LiveOptions,
  ingestion: { connections: number; warmupSeconds: number },
  progress: (message: string) => void,
): Promise<LiveResults> {
  const limit = openFileLimit();
  const perCustomer = options.subscribers / options.customers;
  checkDescriptorRoom(limit, [
    { process: "gateway", sockets: options.subscribers + ingestion.connections },
    { process: "bare baseline", sockets: options.subscribers },
    {
      process: "subscriber process",
      sockets: Math.min(SUBSCRIBERS_PER_PROCESS, options.subscribers),
    },
  ]);
  progress(
    `live: ${options.subscribers} subscribers over ${options.customers} customers, ${processesFor(options.subscribers)} subscriber processes per target, open-file limit ${limit ?? "unknown"} (${SPARE_DESCRIPTORS} spare per process)`,
  );
  const sandbox = await startBuiltSandbox();
  const runId = `${process.pid}-${Date.now()}`;
  const logFile = (name: string) => join(tmpdir(), `bench-live-${runId}-${name}.log`);
  const gatewaySettings = (socketsPerCustomer: number, subscribers: number) => ({
    sandboxUrl: sandbox.url,
    socketsPerCustomer,
    maxConnections: subscribers + SPARE_DESCRIPTORS,
    stripeLimit: options.stripeLimit,
  });
  try {
    const control = sandboxControl(sandbox.url);
    progress(`live: creating ${options.customers + 1} customers with a deactivated account`);
    // One more customer than subscribers need: the ingestion runs' subject, with no subscriber.
    const customers = await deactivatedCustomers(control, sandbox.url, options.customers + 1);
    const ingestionSubject = customers.pop();
    if (ingestionSubject === undefined) throw new Error("no customer for the ingestion runs");
    const baseline: LiveBaseline = await startLiveBaseline();
    const fanout: FanoutComparison[] = [];
    let ingestionFigures: IngestionComparison | null = null;
    try {
      const baselines = new Map<string, TargetFigures>();
      for (const layoutName of options.layouts) {
        const protocol = layoutName === "sse" ? "sse" : "ws";
        const layout: FanoutLayout = {
          protocol,
          customers,
          subscribersPerCustomer: perCustomer,
          rounds: options.rounds,
          idleBetweenRounds: options.idleBetweenRounds,
          progress,
        };
        const instances = layoutName === "redis" ? 2 : 1;
        const keyPrefix = `bench-live-${runId}`;
        const gateways: LiveGateway[] = [];
        try {
          for (let index = 0; index < instances; index += 1) {
            progress(`live: ${LABELS[layoutName]}: starting gateway instance ${index + 1}`);
            gateways.push(
              await startLiveGateway({
                ...gatewaySettings(perCustomer, options.subscribers / instances),
                logFile: logFile(`${layoutName}-${index + 1}`),
                ...(layoutName === "redis" ? { redis: { url: options.redisUrl, keyPrefix } } : {}),
              }),
            );
          }
          const profileFile =
            options.profileLabel === undefined
              ? undefined
              : join(PROFILES, `live-${options.profileLabel}-${layoutName}.txt`);
          const gateway = await measureGateway(
            gateways,
            control,
            layout,
            `gw${layoutName}`,
            profileFile,
          );
          let shared = baselines.get(protocol);
          const baselineShared = shared !== undefined;
          if (shared === undefined) {
            shared = await measureBaseline(
              baseline,
              layout,
              profileFile?.replace(/\.txt$/, "-baseline.txt"),
            );
            baselines.set(protocol, shared);
          }
          fanout.push({
            label: LABELS[layoutName],
            protocol,
            instances,
            customers: customers.length,
            subscribersPerCustomer: perCustomer,
            subscribers: options.subscribers,
            gateway: gateway.figures,
            baseline: shared,
            baselineShared,
            gatewayStripeCallsPerEvent: gateway.stripeCallsPerEvent,
            gatewayStripeRateLimitPerSecond: gateways[0]?.stripeRateLimitPerSecond ?? 0,
            ratios: fanoutRatios(gateway.figures, shared),
            ...(profileFile === undefined ? {} : { profileFile }),
            ...(profileFile === undefined || baselineShared
              ? {}
              : { baselineProfileFile: profileFile.replace(/\.txt$/, "-baseline.txt") }),
          });
          const [first] = gateways;
          if (layoutName === "ws" && options.ingestionSeconds > 0 && first !== undefined) {
            ingestionFigures = await compareIngestion(
              first,
              control,
              ingestionSubject,
              { ...ingestion, durationSeconds: options.ingestionSeconds },
              progress,
            );
          }
        } finally {
          await Promise.all(gateways.map((gateway) => gateway.close()));
          if (layoutName === "redis") await deleteRedisKeys(options.redisUrl, keyPrefix);
        }
      }
    } finally {
      await baseline.close();
    }
    return {
      subscribers: options.subscribers,
      customers: options.customers,
      rounds: options.rounds,
      subscriberProcesses: processesFor(options.subscribers),
      openFileLimit: limit === Infinity ? null : limit,
      fanout,
      ingestion: ingestionFigures,
    };
  } finally {
    await sandbox.close();
  }
}
