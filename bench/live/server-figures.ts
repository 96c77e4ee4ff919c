import type { ProbedProcess } from "./built-live.js";

/** Memory of the server processes of one target, summed, after a forced GC. */
export interface MemoryReading {
  rssBytes: number;
  heapUsedBytes: number;
}

/** What the servers of one target cost, read through their probes around a fan-out measurement. */
export interface ServerCost {
  /** Before any subscriber connected. */
  before: MemoryReading;
  /** Every subscription registered, nothing being delivered. */
  idle: MemoryReading;
  /** After the measured rounds. */
  afterEvents: MemoryReading;
  /** Events (one per customer per round) delivered when `afterEvents` was read. */
  eventsBeforeAfterReading: number;
  /** Per open subscription, KB (1,024 bytes): (idle - before) / subscriptions. */
  perSubscriptionIdleKb: { rss: number; heap: number };
  /** Per open subscription, KB: (afterEvents - before) / subscriptions. */
  perSubscriptionAfterEventsKb: { rss: number; heap: number };
  /** CPU time of the servers (user + system) during the measured rounds, per delivered message, us. */
  cpuMicrosPerDelivery: number | null;
}

/** Reads every server's memory after a forced GC, summed. */
export async function readMemory(servers: readonly ProbedProcess[]): Promise<MemoryReading> {
  const readings = await Promise.all(servers.map((server) => server.memory()));
  return {
    rssBytes: readings.reduce((sum, reading) => sum + reading.rssBytes, 0),
    heapUsedBytes: readings.reduce((sum, reading) => sum + reading.heapUsedBytes, 0),
  };
}

/** Every server's CPU time so far, summed, microseconds. */
export async function readCpu(servers: readonly ProbedProcess[]): Promise<number> {
  const readings = await Promise.all(servers.map((server) => server.cpuMicros()));
  return readings.reduce((sum, micros) => sum + micros, 0);
}

const kbPer = (from: MemoryReading, to: MemoryReading, count: number) => ({
  rss: Math.round(((to.rssBytes - from.rssBytes) / 1024 / count) * 10) / 10,
  heap: Math.round(((to.heapUsedBytes - from.heapUsedBytes) / 1024 / count) * 10) / 10,
});

/** The figures of ServerCost from its readings. */
export function serverCost(readings: {
  before: MemoryReading;
  idle: MemoryReading;
  afterEvents: MemoryReading;
  eventsBeforeAfterReading: number;
  subscriptions: number;
  cpuMicros: number;
  deliveries: number;
}): ServerCost {
  const count = Math.max(1, readings.subscriptions);
  return {
    before: readings.before,
    idle: readings.idle,
    afterEvents: readings.afterEvents,
    eventsBeforeAfterReading: readings.eventsBeforeAfterReading,
    perSubscriptionIdleKb: kbPer(readings.before, readings.idle, count),
    perSubscriptionAfterEventsKb: kbPer(readings.before, readings.afterEvents, count),
    cpuMicrosPerDelivery:
      readings.deliveries === 0 ? null : Math.round(readings.cpuMicros / readings.deliveries),
  };
}
