import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

/** A sandbox running as its own process (`npm run sandbox`), as Stripe runs apart from the gateway. */
export interface ExternalSandbox {
  url: string;
  close(): Promise<void>;
}

const ROOT = fileURLToPath(new URL("../", import.meta.url));

/**
 * Starts the sandbox in a child process on an ephemeral port and resolves with its URL once it
 * listens. Under load the gateway then shares no event loop with its upstream, which is how it
 * runs against Stripe, and the machine's second core does the sandbox's work.
 */
export function startExternalSandbox(): Promise<ExternalSandbox> {
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", "src/sandbox/main.ts"], {
    cwd: ROOT,
    env: { ...process.env, SANDBOX_PORT: "0", SANDBOX_WEBHOOK_URL: "" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    let output = "";
    const timer = setTimeout(
      () => reject(new Error("the sandbox did not start within 20 s")),
      20_000,
    );
    child.once("exit", (code) => reject(new Error(`the sandbox exited with ${code}`)));
    child.stdout?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/[^\s]+)/.exec(output);
      if (match?.[1] === undefined) return;
      clearTimeout(timer);
      resolve({
        url: match[1],
        close: () =>
          new Promise((done) => {
            child.removeAllListeners("exit");
            child.once("exit", () => done());
            child.kill("SIGTERM");
          }),
      });
    });
  });
}
