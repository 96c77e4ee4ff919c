/**
 * A throwaway redis-server of a test's own, on a free port of 127.0.0.1 (never the machine's
 * 6379), without persistence: a restart loses its data, as a Redis without AOF or RDB does.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { createServer } from "node:net";
import { Redis } from "ioredis";
import { eventually } from "./wait.js";

/** True when this machine has a redis-server binary. */
export function hasRedisServerBinary(): boolean {
  try {
    execFileSync("redis-server", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** A free TCP port on 127.0.0.1 now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address
          ? resolve(address.port)
          : reject(new Error("no port")),
      );
    });
  });
}

/** A redis-server the test owns: its URL, and how to kill and start it again on the same port. */
export interface OwnRedis {
  port: number;
  url: string;
  /** SIGKILLs the server and resolves once it exited. */
  kill(): Promise<void>;
  /** Starts it again on the same port (empty) and resolves once it answers. */
  start(): Promise<void>;
}

/** Starts a redis-server on a free port and resolves once it answers PING. */
export async function startOwnRedis(): Promise<OwnRedis> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  const start = async () => {
    child = spawn(
      "redis-server",
      ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
      { stdio: "ignore" },
    );
    const probe = new Redis(port, "127.0.0.1", {
      lazyConnect: true,
      retryStrategy: () => 50,
      maxRetriesPerRequest: 0,
    });
    probe.on("error", () => {});
    probe.connect().catch(() => {});
    try {
      await eventually(() => probe.status === "ready", 10_000, `redis-server on port ${port}`);
    } finally {
      probe.disconnect();
    }
  };
  const kill = async () => {
    const running = child;
    if (running === undefined || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise((resolve) => running.once("exit", resolve));
    running.kill("SIGKILL");
    await exited;
  };
  await start();
  return { port, url: `redis://127.0.0.1:${port}`, kill, start };
}
