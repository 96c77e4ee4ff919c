import { describe, expect, it } from "vitest";
import type { CpuProfile } from "../../bench/lean/profile-summary.js";
import { stagesOfProfile } from "../../bench/live/profile-stages.js";

/** A frame of a synthetic profile: function name and script URL. */
type Frame = readonly [string, string];

/**
 * A profile whose samples are the given stacks (root first), each sampled `ms` milliseconds, plus
 * one idle sample that must not count.
 */
function profileOf(stacks: ReadonlyArray<{ frames: readonly Frame[]; ms: number }>): CpuProfile {
  const nodes: Array<CpuProfile["nodes"][number] & { children: number[] }> = [];
  const node = (frame: Frame, parent?: (typeof nodes)[number]) => {
    const made = {
      id: nodes.length + 1,
      callFrame: { functionName: frame[0], url: frame[1], lineNumber: 0, columnNumber: 0 },
      children: [],
    };
    nodes.push(made);
    parent?.children.push(made.id);
    return made;
  };
  const root = node(["(root)", ""]);
  const idle = node(["(idle)", ""], root);
  const samples: number[] = [];
  const timeDeltas: number[] = [0];
  for (const { frames, ms } of stacks) {
    let parent = root;
    for (const frame of frames) parent = node(frame, parent);
    samples.push(parent.id);
    timeDeltas.push(ms * 1000);
  }
  samples.push(idle.id);
  timeDeltas.push(50_000);
  samples.push(root.id);
  return { nodes, startTime: 0, endTime: 1, samples, timeDeltas };
}

const lineOf = (text: string, stage: string) =>
  text.split("\n").find((line) => line.endsWith(`  ${stage}`));

describe("the live profile's time by stage of the webhook path", () => {
  it("gives each sample the stage of the innermost frame naming one, Node's I/O to its caller", () => {
    const text = stagesOfProfile(
      profileOf([
        // A message written from inside the webhook's publish: a message, not the route.
        {
          frames: [
            ["deliver", "file:///app/dist/server/stripe-webhook-route.js"],
            ["publish", "file:///app/dist/pubsub/in-process-bus.js"],
            ["send", "file:///app/node_modules/ws/lib/sender.js"],
            ["writevGeneric", "node:internal/stream_base_commons"],
            ["writev", ""],
          ],
          ms: 6,
        },
        // Stripe's answer parsed by Node's HTTP parser: the re-read.
        {
          frames: [
            ["socketOnData", "node:_http_client"],
            ["parserOnHeadersComplete", "node:_http_common"],
          ],
          ms: 3,
        },
        // The webhook's own answer.
        {
          frames: [
            ["deliver", "file:///app/dist/server/stripe-webhook-route.js"],
            ["end", "node:_http_outgoing"],
          ],
          ms: 1,
        },
        // Node's HTTP code with no caller naming a stage: the server.
        { frames: [["parserOnHeadersComplete", "node:_http_common"]], ms: 2 },
        // Neither: promise machinery.
        { frames: [["runMicrotasks", ""]], ms: 8 },
      ]),
    );
    expect(lineOf(text, "messages (serialise, frame, write per subscriber)")).toMatch(
      /^ +30\.0% +6 ms {2}/,
    );
    expect(lineOf(text, "Stripe re-read (stripe-node, its HTTP client, the limiter)")).toMatch(
      /^ +15\.0% +3 ms {2}/,
    );
    expect(
      lineOf(
        text,
        "the trigger's route: the webhook (gateway) or POST /publish (baseline), body and answer",
      ),
    ).toMatch(/^ +5\.0% +1 ms {2}/);
    expect(lineOf(text, "HTTP server and sockets")).toMatch(/^ +10\.0% +2 ms {2}/);
    expect(lineOf(text, "other (promise machinery, the runtime)")).toMatch(/^ +40\.0% +8 ms {2}/);
    // Largest first, and the idle sample counted nowhere.
    expect(text.split("\n")[1]).toContain("other (promise machinery");
    expect(text).not.toContain("idle");
  });
});
