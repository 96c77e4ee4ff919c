import { once } from "node:events";
import { describe, expect, it } from "vitest";
import { createLogger } from "../../src/observability/logger.js";
import { keepProcessOutputJson } from "../../src/observability/process-output.js";
import { LogSink } from "../support/gateway.js";

describe("keepProcessOutputJson", () => {
  it("logs what libraries print to the console, and the process's warnings, as JSON lines", async () => {
    const sink = new LogSink();
    const restore = keepProcessOutputJson(createLogger("debug", sink));
    try {
      // What graphql-ws prints when a socket fails, and what Express prints for a late error.
      console.error(
        "Internal error emitted on a WebSocket socket. Please check your implementation.",
        new RangeError("Max payload size exceeded"),
      );
      console.log("plain %s", "text");
      const warned = once(process, "warning");
      process.emitWarning("a test warning", "TestWarning");
      await warned;
    } finally {
      restore();
    }
    const lines = sink.lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toEqual([
      expect.objectContaining({
        level: 50,
        source: "console",
        msg: "Internal error emitted on a WebSocket socket. Please check your implementation.",
        err: expect.objectContaining({ message: "Max payload size exceeded" }),
      }),
      expect.objectContaining({ level: 30, source: "console", msg: "plain text" }),
      expect.objectContaining({
        level: 40,
        msg: "process warning",
        warning: expect.objectContaining({ message: "a test warning" }),
      }),
    ]);
  });
});
