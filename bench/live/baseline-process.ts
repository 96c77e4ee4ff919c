/**
 * The live section's baseline process (`baseline-ws.ts`'s bare graphql-ws + graphql-sse server),
 * bundled to plain JavaScript by `built-live.ts` and run under `node --expose-gc`, with the
 * bench's probes on its IPC channel (`process-probes.ts`). Sends `{ kind: "ready", wsUrl, sseUrl,
 * publishUrl }` once listening; closes and exits on SIGTERM.
 */
import { startBaselineServer } from "./baseline-ws.js";
import { answerProbes } from "./process-probes.js";

answerProbes();
const server = await startBaselineServer();
process.once("SIGTERM", () => {
  void server.close().then(() => process.exit(0));
});
process.send?.({
  kind: "ready",
  wsUrl: server.wsUrl,
  sseUrl: server.sseUrl,
  publishUrl: server.publishUrl,
});
