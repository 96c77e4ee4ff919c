import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, openSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it, vi } from "vitest";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** A process that logs `lines` info lines through `createLogger`'s stdout destination, then idles. */
const script = (lines: number) => `
import { createLogger } from "./src/observability/logger.ts";
const logger = createLogger("info");
for (let index = 0; index < ${lines}; index++) logger.info({ index }, "line");
setInterval(() => {}, 60_000);
`;

let child: ChildProcess | undefined;
afterEach(() => {
  child?.kill("SIGKILL");
  child = undefined;
});

/** Resolves with stdout once it holds `count` lines (the test's timeout bounds the wait). */
function linesOf(process: ChildProcess, count: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    let text = "";
    process.once("exit", (code) => reject(new Error(`exited with ${code}: ${text}`)));
    process.stdout?.on("data", (chunk: Buffer) => {
      text += chunk.toString();
      const lines = text.split("\n").filter((line) => line !== "");
      if (lines.length >= count) resolve(lines);
    });
  });
}

describe("batched stdout log destination", () => {
  it("writes a lone line of an idle process without waiting for the batch to fill", async () => {
    child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script(1)], {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "inherit"],
    });
    const [line] = await linesOf(child, 1);
    expect(JSON.parse(line ?? "")).toMatchObject({ index: 0, msg: "line" });
  });

  it("writes every line of a burst larger than a batch, in order, while the process keeps running", async () => {
    child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script(500)], {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "inherit"],
    });
    const lines = await linesOf(child, 500);
    expect(lines.map((line) => JSON.parse(line).index)).toEqual([...Array(500).keys()]);
  });

  it("writes a burst and a lone line after it to stdout redirected to a file (written synchronously)", async () => {
    const file = join(tmpdir(), `log-batching-${process.pid}-${Date.now()}.log`);
    const out = openSync(file, "w");
    try {
      child = spawn(
        process.execPath,
        ["--import", "tsx", "--input-type=module", "-e", script(501)],
        {
          cwd: ROOT,
          stdio: ["ignore", out, "inherit"],
        },
      );
      const lines = () =>
        readFileSync(file, "utf8")
          .split("\n")
          .filter((line) => line !== "");
      // The last line is less than a batch: the periodic flush writes it while the process idles.
      await vi.waitFor(() => expect(lines()).toHaveLength(501), { timeout: 10_000, interval: 50 });
      expect(lines().map((line) => JSON.parse(line).index)).toEqual([...Array(501).keys()]);
    } finally {
      closeSync(out);
      rmSync(file, { force: true });
    }
  });
});
