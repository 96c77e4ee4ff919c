/**
 * `npm run bench` exits by itself: each of its sections closes every server, socket, timer and
 * child process it started. The production section's SIGTERM run is the one that shuts its
 * gateway down mid-load and then closes the rest of its stack.
 */
import { describe, expect, it } from "vitest";
import { sigtermUnderLoad } from "../../bench/production/section.js";
import { openResources } from "../support/open-resources.js";

describe("bench exit", () => {
  it("the production section's SIGTERM-under-load run leaves nothing open once it returns", async () => {
    const created = openResources();
    try {
      const figures = await sigtermUnderLoad();
      expect(figures.clean).toBe(true);
      expect(await created.settled()).toEqual([]);
    } finally {
      created.stop();
    }
  });
});
