import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { envSchema } from "../../src/config/env-schema.js";

const README = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
const SANDBOX_ENV = readFileSync(new URL("../../src/sandbox/env.ts", import.meta.url), "utf8");

/**
 * Variables the README's table documents that the gateway's schema does not read, each with why.
 * The standalone sandbox (`npm run sandbox`, src/sandbox/env.ts) is a program of its own, and the
 * OpenTelemetry SDK reads its own variables once tracing is on.
 */
const DOCUMENTED_ELSEWHERE: Record<string, { reader: "sandbox" | "otel-sdk"; reason: string }> = {
  SANDBOX_HOST: {
    reader: "sandbox",
    reason: "the standalone sandbox's interface; the embedded one stays on loopback",
  },
  SANDBOX_WEBHOOK_URL: {
    reader: "sandbox",
    reason: "where a standalone sandbox delivers; the embedded one delivers to its gateway",
  },
  OTEL_EXPORTER_OTLP_HEADERS: { reader: "otel-sdk", reason: "read by the OTLP exporter itself" },
  OTEL_TRACES_SAMPLER: { reader: "otel-sdk", reason: "read by the OpenTelemetry SDK itself" },
  OTEL_RESOURCE_ATTRIBUTES: { reader: "otel-sdk", reason: "read by the OpenTelemetry SDK itself" },
  OTEL_PROPAGATORS: { reader: "otel-sdk", reason: "read by the OpenTelemetry SDK itself" },
};

/** The rows of the table under "## Environment": each row's first cell. */
function environmentTableNames(): string[] {
  const section = README.split(/^## Environment$/m)[1]?.split(/^## /m)[0] ?? "";
  const lines = section.split("\n");
  const start = lines.findIndex((line) => line.startsWith("|"));
  const end = lines.findIndex((line, index) => index > start && !line.startsWith("|"));
  const rows = lines.slice(start + 2, end === -1 ? undefined : end);
  return rows.flatMap((row) =>
    [...(row.split("|")[1] ?? "").matchAll(/`([A-Z][A-Z0-9_]*)`/g)].map((match) => match[1] ?? ""),
  );
}

describe("README's environment table", () => {
  const documented = environmentTableNames();
  const schemaKeys = Object.keys(envSchema.shape);

  it("is found, with a row per documented variable", () => {
    expect(documented.length).toBeGreaterThan(40);
    expect(new Set(documented).size).toBe(documented.length);
  });

  it("lists every variable the gateway's env schema reads", () => {
    expect(schemaKeys.filter((key) => !documented.includes(key))).toEqual([]);
  });

  it("lists no variable the schema does not read, apart from the named ones read elsewhere", () => {
    const unread = documented.filter((name) => !schemaKeys.includes(name));
    expect(unread.sort()).toEqual(Object.keys(DOCUMENTED_ELSEWHERE).sort());
  });

  it("names only sandbox variables the standalone sandbox really reads", () => {
    const sandboxOnly = Object.entries(DOCUMENTED_ELSEWHERE)
      .filter(([, entry]) => entry.reader === "sandbox")
      .map(([name]) => name);
    expect(sandboxOnly.filter((name) => !SANDBOX_ENV.includes(`"${name}"`))).toEqual([]);
  });
});
