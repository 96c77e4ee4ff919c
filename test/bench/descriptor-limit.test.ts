import { describe, expect, it } from "vitest";
import {
  checkDescriptorRoom,
  openFileLimit,
  SPARE_DESCRIPTORS,
} from "../../bench/live/descriptor-limit.js";

describe("the live bench's open-file check", () => {
  it("refuses a layout that does not fit, naming the limit, the process and the fix", () => {
    expect(() =>
      checkDescriptorRoom(4096, [
        { process: "gateway", sockets: 10_000 },
        { process: "subscriber process", sockets: 2_500 },
      ]),
    ).toThrow(
      /RLIMIT_NOFILE, `ulimit -n`\) is 4096; the live section's gateway holds 10000 sockets and needs 11024 descriptors: raise it \(`ulimit -n 11024`/,
    );
  });

  it("lets a layout through that fits with the spare descriptors, and any when the limit is unknown", () => {
    expect(() =>
      checkDescriptorRoom(10_000 + SPARE_DESCRIPTORS, [{ process: "gateway", sockets: 10_000 }]),
    ).not.toThrow();
    expect(() =>
      checkDescriptorRoom(null, [{ process: "gateway", sockets: 10_000 }]),
    ).not.toThrow();
  });

  it("reads this process's limit", () => {
    const limit = openFileLimit();
    expect(limit === null || limit > 0).toBe(true);
  });
});
