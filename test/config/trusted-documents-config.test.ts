/**
 * TRUSTED_DOCUMENTS and TRUSTED_DOCUMENTS_ALLOW_ADHOC at start-up: the manifest is loaded and
 * checked once, and a missing, malformed or stale one stops the gateway with a message naming
 * the variable; production never runs ad-hoc documents beside a manifest.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config/config.js";
import { documentHash } from "../../src/config/trusted-documents.js";
import { PRODUCTION_ENV } from "../support/production-env.js";

const EXAMPLES_MANIFEST = fileURLToPath(
  new URL("../../examples/gql/persisted-documents.json", import.meta.url),
);
const directory = mkdtempSync(join(tmpdir(), "trusted-documents-"));

/** Writes `content` to a manifest file of its own and returns its path. */
function manifest(name: string, content: string): string {
  const path = join(directory, name);
  writeFileSync(path, content);
  return path;
}

/** The message loadConfig refuses `env` with (fails the test when it does not). */
function refusal(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error("the configuration was accepted");
}

describe("TRUSTED_DOCUMENTS", () => {
  it("unset: no trusted documents, anything runs as before", () => {
    expect(loadConfig({}).graphql.trustedDocuments).toBeUndefined();
  });

  it("loads the examples' manifest, enforced by default outside production and in production", () => {
    for (const env of [{}, PRODUCTION_ENV]) {
      const settings = loadConfig({ ...env, TRUSTED_DOCUMENTS: EXAMPLES_MANIFEST }).graphql
        .trustedDocuments;
      expect(settings?.allowAdHoc).toBe(false);
      expect(settings?.documents.size).toBe(5);
      for (const [id, text] of settings?.documents ?? []) expect(documentHash(text)).toBe(id);
    }
  });

  it("TRUSTED_DOCUMENTS_ALLOW_ADHOC=true lets text run beside it in development only", () => {
    const env = { TRUSTED_DOCUMENTS: EXAMPLES_MANIFEST, TRUSTED_DOCUMENTS_ALLOW_ADHOC: "true" };
    expect(loadConfig(env).graphql.trustedDocuments?.allowAdHoc).toBe(true);
    expect(refusal({ ...PRODUCTION_ENV, ...env })).toMatch(
      /TRUSTED_DOCUMENTS_ALLOW_ADHOC: may not be true in production/,
    );
    expect(refusal({ TRUSTED_DOCUMENTS_ALLOW_ADHOC: "true" })).toMatch(
      /TRUSTED_DOCUMENTS_ALLOW_ADHOC: only means something with TRUSTED_DOCUMENTS/,
    );
  });

  const text = "query One { __typename }";
  it.each([
    ["a missing file", join(directory, "missing.json"), /cannot read the manifest .*ENOENT/],
    ["not JSON", manifest("broken.json", "{ not json"), /is not JSON/],
    ["not an object", manifest("list.json", JSON.stringify([text])), /must be a JSON object/],
    ["empty", manifest("empty.json", "{}"), /lists no documents/],
    [
      "a key that is no sha256",
      manifest("names.json", JSON.stringify({ One: text })),
      /must map sha256 hashes/,
    ],
    [
      "a key that is not its document's sha256 (stale)",
      manifest("stale.json", JSON.stringify({ [documentHash(`${text} `)]: text })),
      /is not the sha256 of its document/,
    ],
  ])("refuses to start with %s", (_what, path, message) => {
    const refused = refusal({ TRUSTED_DOCUMENTS: path });
    expect(refused).toMatch(/TRUSTED_DOCUMENTS: /);
    expect(refused).toMatch(message);
  });
});
