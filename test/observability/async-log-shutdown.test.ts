import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { signToken } from "../../src/auth/sign-token.js";
import { loadConfig } from "../../src/config/config.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
/** Operations in the burst: their log lines (~300 bytes each) overflow the paused pipe. */
const BURST = 600;

let child: ChildProcess | undefined;
afterAll(() => {
  if (child?.exitCode === null) child.kill("SIGKILL");
});

/** Resolves with the gateway's URL once `npm start`'s banner names it. */
function gatewayUrl(process: ChildProcess, output: { text: string }): Promise<string> {
  return new Promise((resolve, reject) => {
    process.once("exit", (code) => reject(new Error(`the gateway exited with ${code}`)));
    process.stdout?.on("data", (chunk: Buffer) => {
      output.text += chunk.toString();
      const match = /GraphQL \(HTTP \+ WebSocket\)\s+(http:\/\/\S+)\/graphql/.exec(output.text);
      if (match?.[1] !== undefined) resolve(match[1]);
    });
  });
}

describe("asynchronous log destination", () => {
  it("loses no line on SIGTERM: a burst of operations logged while stdout is not read all arrive, then the shutdown's", async () => {
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      PORT: "0",
      SANDBOX_PORT: "0",
      LOG_LEVEL: "info",
      RATE_LIMIT_COST_PER_MINUTE: "100000000",
    };
    const gateway = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
      cwd: ROOT,
      env,
      stdio: ["ignore", "pipe", "ignore"],
    });
    child = gateway;
    const output = { text: "" };
    const url = await gatewayUrl(gateway, output);
    const token = await signToken(loadConfig({}).auth, {
      customerId: "cus_Burst",
      ttlSeconds: 600,
    });
    // Nobody reads the gateway's stdout during the burst, so its last lines are still queued in the
    // gateway (the pipe is full) when SIGTERM comes.
    gateway.stdout?.pause();
    const ask = (index: number) =>
      fetch(`${url}/graphql`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          authorization: `Bearer ${token}`,
          "x-request-id": `burst-${index}`,
        },
        body: JSON.stringify({ query: "{ __typename }" }),
      }).then((response) => response.text());
    for (let start = 0; start < BURST; start += 50) {
      await Promise.all(Array.from({ length: 50 }, (_, offset) => ask(start + offset)));
    }
    const exited = new Promise<number | null>((resolve) => {
      gateway.removeAllListeners("exit");
      gateway.once("exit", (code) => resolve(code));
    });
    const drained = new Promise<void>((resolve) => gateway.stdout?.once("end", () => resolve()));
    gateway.kill("SIGTERM");
    gateway.stdout?.resume();
    const [code] = await Promise.all([exited, drained]);

    const lines = output.text
      .split("\n")
      .filter((line) => line.startsWith("{"))
      .map((line) => JSON.parse(line) as { msg?: string; requestId?: string });
    const burst = new Set(
      lines
        .filter((line) => line.msg === "graphql operation" && line.requestId?.startsWith("burst-"))
        .map((line) => line.requestId),
    );
    expect(burst.size).toBe(BURST);
    expect(lines.some((line) => line.msg === "shutting down")).toBe(true);
    expect(lines.at(-1)?.msg).toBe("shutdown complete");
    expect(code).toBe(0);
  }, 60_000);
});
