import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = new URL("../../", import.meta.url).pathname;
const README = readFileSync(join(ROOT, "README.md"), "utf8");

/** The `src/<folder>/` entries at the start of a line of the README's "## Layout" block. */
function layoutSrcFolders(): string[] {
  const section = README.split(/^## Layout$/m)[1]?.split(/^## /m)[0] ?? "";
  return [...section.matchAll(/^src\/([a-z-]+)\//gm)].map((match) => match[1] ?? "");
}

describe("README's Layout section", () => {
  it("lists every folder of src/ once, and no folder that is not there", () => {
    const listed = layoutSrcFolders();
    const folders = readdirSync(join(ROOT, "src")).filter((name) =>
      statSync(join(ROOT, "src", name)).isDirectory(),
    );
    expect(listed.length).toBeGreaterThan(10);
    expect(listed.filter((name, index) => listed.indexOf(name) !== index)).toEqual([]);
    expect([...listed].sort()).toEqual([...folders].sort());
  });
});
