import { existsSync } from "node:fs";
import { type Browser, chromium } from "playwright-core";

/** Debian's chromium, installed by .ci/run; no test tool downloads a browser. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/**
 * True when Chromium is installed. Without it a browser test is skipped with a loud warning,
 * except in CI, where its absence is an error.
 */
export function chromiumAvailable(what: string): boolean {
  if (existsSync(CHROMIUM)) return true;
  if (process.env.CI)
    throw new Error(`CI requires Chromium at ${CHROMIUM} (.ci/run installs Debian's package).`);
  console.warn(
    `\n!!! SKIPPING ${what}: no Chromium at ${CHROMIUM} (apt-get install chromium). !!!\n`,
  );
  return false;
}

/** Headless Chromium with nothing of its own going out to the network. Close it in afterAll. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}
