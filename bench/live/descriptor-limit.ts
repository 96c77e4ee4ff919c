import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";

/** Descriptors a process needs beyond its sockets: its modules, pipes, log file, sandbox calls. */
export const SPARE_DESCRIPTORS = 1_024;

/**
 * The soft limit on open files (RLIMIT_NOFILE, what `ulimit -n` shows) this process and the
 * processes it starts run with, or null when it cannot be read ("unlimited" is Infinity).
 */
export function openFileLimit(): number | null {
  try {
    const limits = readFileSync("/proc/self/limits", "utf8");
    const soft = /^Max open files\s+(\S+)/m.exec(limits)?.[1];
    if (soft !== undefined) return soft === "unlimited" ? Infinity : Number(soft);
  } catch {
    // Not Linux: ask the shell.
  }
  const shell = spawnSync("sh", ["-c", "ulimit -n"], { encoding: "utf8" });
  const value = shell.stdout.trim();
  if (value === "unlimited") return Infinity;
  return /^\d+$/.test(value) ? Number(value) : null;
}

/** One process of the section and the sockets it will hold open at once. */
export interface DescriptorNeed {
  process: string;
  sockets: number;
}

/**
 * Throws, before anything is started, when one of `needs` would not fit in the open-file limit
 * (`limit`, RLIMIT_NOFILE, inherited by every process the bench starts) with SPARE_DESCRIPTORS to
 * spare: the message names the limit, the process and what to do, instead of sockets refused or a
 * hang half-way through connecting. Does nothing when the limit is unknown (null).
 */
export function checkDescriptorRoom(limit: number | null, needs: readonly DescriptorNeed[]): void {
  if (limit === null) return;
  const largest = needs.reduce<DescriptorNeed | undefined>(
    (most, need) => (most === undefined || need.sockets > most.sockets ? need : most),
    undefined,
  );
  if (largest === undefined) return;
  const required = largest.sockets + SPARE_DESCRIPTORS;
  if (required <= limit) return;
  throw new Error(
    `the open-file limit (RLIMIT_NOFILE, \`ulimit -n\`) is ${limit}; the live section's ${largest.process} holds ${largest.sockets} sockets and needs ${required} descriptors: raise it (\`ulimit -n ${required}\` in the shell that runs the bench, within the hard limit \`ulimit -Hn\`) or lower BENCH_LIVE_SUBSCRIBERS`,
  );
}
