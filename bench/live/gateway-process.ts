/**
 * The live section's gateway process: `src/main.ts` exactly as `node dist/main.js` runs it
 * (bundled by `built-live.ts` with its `src/` import pointed at `dist/`), plus the bench's probes
 * on the IPC channel (`process-probes.ts`: memory after a forced GC, CPU time, CPU profile).
 * Configured by its environment, like the real one.
 */
import { answerProbes } from "./process-probes.js";

answerProbes();
await import("../../src/main.js");
