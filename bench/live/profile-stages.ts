/**
 * The live section's profiles grouped by what the time was spent on along the webhook path (issue
 * 23 section 1: "where a goal is missed, the note says what the profile shows"): each sample goes
 * to the stage of the innermost frame on its stack that names one (STAGES, in order; Node's
 * stream, socket and HTTP parser internals name none, so their callers decide): a Stripe response
 * parsed by Node's HTTP parser counts as the Stripe re-read, a message written from inside the
 * webhook's publish as a message, the webhook's answer as the route. Read beside the baseline's profile, which has
 * only messages, HTTP and its event resolution.
 */
import type { CpuProfile } from "../lean/profile-summary.js";

/** A stage and the frames (`<function> <url>`) that belong to it. */
export const STAGES: ReadonlyArray<readonly [string, RegExp]> = [
  ["garbage collector", /^\(garbage collector\)/],
  [
    "messages (serialise, frame, write per subscriber)",
    /graphql-ws\.js|\/ws\/lib\/|graphql-ws-outcome|sse-writer|result-stream|graphql-ws\/dist|graphql-sse/,
  ],
  [
    "event resolution (once per selection; the baseline's per subscriber)",
    /execute-operation|resolvers\/subscription|context-factory|graphql\/execution|data-access|graphql\/jsutils/,
  ],
  [
    "Stripe re-read (stripe-node, its HTTP client, the limiter)",
    /stripe\/esm\/(?!Webhooks|crypto)|stripe\/cjs\/(?!Webhooks|crypto)|gated-http-client|fc-api|_http_client|background-rereads|call-ticket|fair-limiter|rate-limiter|call-budget/,
  ],
  ["signature (stripe-node constructEvent)", /verify-signature|Webhooks\.js|\/crypto\//],
  [
    "intake and publish (dedupe, read model, event log, bus)",
    /account-event-intake|lifecycle-at-once|implied-reads|read-model|pubsub|event-dedupe|event-shape/,
  ],
  [
    "the trigger's route: the webhook (gateway) or POST /publish (baseline), body and answer",
    /stripe-webhook-route|body-reader|json-body|error-answers|live-baseline|\/bench\//,
  ],
  ["logs, metrics, spans", /pino|prom-client|observability/],
  ["HTTP server and sockets", /_http_server|sse-listener|cross-origin|request-id|graphql-listener/],
];

/** Node's own HTTP and stream code: a sample no stage names whose stack holds one of these. */
const NODE_IO = /node:_http_|node:net|stream_base_commons|node:internal\/streams\//;

/**
 * `profile`'s busy time by stage (STAGES; "other" for samples no stage names), largest first, as
 * lines of share and milliseconds. Idle time is left out, as in `summariseProfile`.
 */
export function stagesOfProfile(profile: CpuProfile): string {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes as Array<{ id: number; children?: number[] }>) {
    for (const child of node.children ?? []) parentOf.set(child, node.id);
  }
  const stageCache = new Map<number, string | undefined>();
  /** The innermost stage on the stack; else Node's I/O when a frame is; else undefined. */
  const stageOf = (id: number): string | undefined => {
    if (stageCache.has(id)) return stageCache.get(id);
    const frame = byId.get(id)?.callFrame;
    const name = frame === undefined ? "" : `${frame.functionName || "(anonymous)"} ${frame.url}`;
    const own = STAGES.find(([, pattern]) => pattern.test(name))?.[0];
    const parent = parentOf.get(id);
    const stage =
      own ??
      (parent === undefined ? undefined : stageOf(parent)) ??
      (NODE_IO.test(name) ? "HTTP server and sockets" : undefined);
    stageCache.set(id, stage);
    return stage;
  };
  const byStage = new Map<string, number>();
  let busy = 0;
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  for (let index = 0; index < samples.length; index++) {
    const id = samples[index] as number;
    if (byId.get(id)?.callFrame.functionName === "(idle)") continue;
    const us = Math.max(0, deltas[index + 1] ?? 0);
    busy += us;
    const stage = stageOf(id) ?? "other (promise machinery, the runtime)";
    byStage.set(stage, (byStage.get(stage) ?? 0) + us);
  }
  const lines = [...byStage.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(
      ([stage, us]) =>
        `${`${((100 * us) / (busy || 1)).toFixed(1)}%`.padStart(6)} ${(us / 1000).toFixed(0).padStart(6)} ms  ${stage}`,
    );
  return ["Busy time by stage of the webhook path (innermost frame naming a stage)", ...lines].join(
    "\n",
  );
}
