/**
 * What a server process of the live section answers over its IPC channel (it is started with
 * `fork`, under `node --expose-gc`), so the bench can read it without touching its code path:
 * - `{ kind: "memory" }`: `{ kind: "memory", rssBytes, heapUsedBytes }` after a forced GC (twice,
 *   so that objects freed by finalizers go too); `gc: false` when `--expose-gc` was not given;
 * - `{ kind: "cpu" }`: `{ kind: "cpu", micros }`, the process's CPU time so far (user + system);
 * - `{ kind: "profile-start" }` / `{ kind: "profile-stop", file }`: the V8 CPU profiler, sampling
 *   every 200 us; the stop writes the .cpuprofile to `file`, then answers `{ kind: "profiled" }`;
 * - `{ kind: "heap-snapshot", file }`: writes a V8 heap snapshot to `file`, answers `{ kind: "snapshot" }`.
 */
import { writeFile } from "node:fs/promises";
import { Session } from "node:inspector/promises";
import { writeHeapSnapshot } from "node:v8";

/** A question the bench asks a probed process. */
export type ProbeQuestion =
  | { kind: "memory" }
  | { kind: "cpu" }
  | { kind: "profile-start" }
  | { kind: "profile-stop"; file: string }
  | { kind: "heap-snapshot"; file: string };

/** Its answers, in the order asked. */
export type ProbeAnswer =
  | { kind: "memory"; rssBytes: number; heapUsedBytes: number; gc: boolean }
  | { kind: "cpu"; micros: number }
  | { kind: "profiling" }
  | { kind: "profiled" }
  | { kind: "snapshot" };

const isQuestion = (message: unknown): message is ProbeQuestion =>
  typeof message === "object" &&
  message !== null &&
  "kind" in message &&
  ["memory", "cpu", "profile-start", "profile-stop", "heap-snapshot"].includes(
    String(message.kind),
  );

/** Answers the bench's questions on this process's IPC channel (nothing when it has none). */
export function answerProbes(): void {
  const send = (answer: ProbeAnswer) => process.send?.(answer);
  let session: Session | undefined;
  process.on("message", async (message: unknown) => {
    if (!isQuestion(message)) return;
    if (message.kind === "memory") {
      const gc = (globalThis as { gc?: () => void }).gc;
      gc?.();
      gc?.();
      const { rss, heapUsed } = process.memoryUsage();
      send({ kind: "memory", rssBytes: rss, heapUsedBytes: heapUsed, gc: gc !== undefined });
    } else if (message.kind === "cpu") {
      const { user, system } = process.cpuUsage();
      send({ kind: "cpu", micros: user + system });
    } else if (message.kind === "heap-snapshot") {
      writeHeapSnapshot(message.file);
      send({ kind: "snapshot" });
    } else if (message.kind === "profile-start") {
      session = new Session();
      session.connect();
      await session.post("Profiler.enable");
      await session.post("Profiler.setSamplingInterval", { interval: 200 });
      await session.post("Profiler.start");
      send({ kind: "profiling" });
    } else if (message.kind === "profile-stop" && session !== undefined) {
      const { profile } = await session.post("Profiler.stop");
      session.disconnect();
      session = undefined;
      await writeFile(message.file, JSON.stringify(profile));
      send({ kind: "profiled" });
    }
  });
}
