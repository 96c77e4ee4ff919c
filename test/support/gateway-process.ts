/**
 * A gateway in a process of its own, started as `npm start` starts it (`tsx src/main.ts`), so a
 * test can SIGKILL it like a crashed instance. Its output (JSON log lines) is kept for failures.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { freePort } from "./redis-server.js";
import { waitFor } from "./wait.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** A running gateway process. */
export interface GatewayProcess {
  url: string;
  /** Everything it wrote so far (stdout and stderr). */
  output(): string;
  /** True until it exited. */
  alive(): boolean;
  /** Sends `signal` and resolves once it exited. */
  stop(signal: NodeJS.Signals): Promise<void>;
}

/**
 * Starts `src/main.ts` on a free port with `env` (and PATH, HOME) and resolves once `/healthz`
 * answers; rejects with its output when it exits first or is not up within `timeoutMs`.
 */
export async function startGatewayProcess(
  env: Record<string, string>,
  timeoutMs = 60_000,
): Promise<GatewayProcess> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
      ...env,
      PORT: String(port),
      HOST: "127.0.0.1",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const keep = (chunk: Buffer) => {
    output += chunk.toString("utf8");
    // Only the tail matters on failure; the gateway logs every webhook.
    if (output.length > 200_000) output = output.slice(-100_000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const alive = () => child.exitCode === null && child.signalCode === null;
  await waitFor(
    async () => {
      if (!alive()) throw new Error(`the gateway exited while starting:\n${output}`);
      try {
        return (await fetch(`${url}/healthz`)).ok ? true : undefined;
      } catch {
        return undefined;
      }
    },
    `the gateway process on port ${port} to serve`,
    timeoutMs,
    100,
  );
  return {
    url,
    output: () => output,
    alive,
    stop: async (signal) => {
      if (alive()) child.kill(signal);
      await exited;
    },
  };
}
