/**
 * The lean section's gateway process: `src/main.ts` exactly as `node dist/main.js` runs it (bundled
 * by `built-target.ts` with its `src/` import pointed at `dist/`; under tsx with
 * BENCH_LEAN_BUILT=0), plus the bench's probes on the IPC channel (CPU time, CPU profile: see
 * `bench/live/process-probes.ts`). Configured by its environment, like the real one.
 */
import { answerProbes } from "../live/process-probes.js";

answerProbes();
await import("../../src/main.js");
