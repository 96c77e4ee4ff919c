/**
 * Turns a V8 .cpuprofile into a short text: the top functions by self time (with their share of
 * the busy samples), and the same time grouped by where the code lives (an npm package, a folder
 * of src/, Node's internals, the garbage collector), so a change to the request path starts from
 * data. Idle time is left out of the shares.
 */

/** The parts of a V8 CPU profile (`Profiler.stop`) this reads. */
export interface CpuProfile {
  nodes: {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  }[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

/** Where a script URL belongs: `express`, `@apollo/server`, `src/pipeline`, `node:internal`, … */
export function ownerOf(url: string, functionName: string): string {
  if (url === "") return functionName.startsWith("(") ? functionName : "(native)";
  const modules = url.lastIndexOf("node_modules/");
  if (modules >= 0) {
    const parts = url.slice(modules + "node_modules/".length).split("/");
    return parts[0]?.startsWith("@") ? `${parts[0]}/${parts[1]}` : (parts[0] ?? url);
  }
  if (url.startsWith("node:")) return "node (internals)";
  // The gateway's own code, from src/ (tsx) or from dist/ (built): grouped by folder alike.
  const src = Math.max(url.indexOf("/src/"), url.indexOf("/dist/"));
  if (src >= 0) {
    const parts = url.slice(src + 1).split("/");
    return parts.length > 2 ? `${parts[0]}/${parts[1]}` : (parts[0] ?? "src");
  }
  const bench = url.indexOf("/bench/");
  if (bench >= 0) return "bench";
  return url;
}

/**
 * The packages of Express 5 and its request path (router, body parsing, content negotiation,
 * response helpers) plus helmet and Apollo's Express integration: what a leaner HTTP layer in
 * front of `executeHTTPGraphQLRequest` would replace.
 */
export const EXPRESS_LAYER = new Set([
  "express",
  "router",
  "body-parser",
  "raw-body",
  "iconv-lite",
  "content-type",
  "type-is",
  "media-typer",
  "mime-types",
  "mime-db",
  "negotiator",
  "accepts",
  "on-finished",
  "finalhandler",
  "etag",
  "fresh",
  "qs",
  "parseurl",
  "encodeurl",
  "escape-html",
  "http-errors",
  "statuses",
  "depd",
  "vary",
  "send",
  "range-parser",
  "proxy-addr",
  "forwarded",
  "ipaddr.js",
  "cookie",
  "cookie-signature",
  "content-disposition",
  "unpipe",
  "ee-first",
  "bytes",
  "safer-buffer",
  "setprototypeof",
  "is-promise",
  "path-to-regexp",
  "debug",
  "ms",
  "helmet",
  "@as-integrations/express5",
]);

const shortUrl = (url: string) => {
  const modules = url.lastIndexOf("node_modules/");
  if (modules >= 0) return url.slice(modules + "node_modules/".length);
  const src = Math.max(url.indexOf("/src/"), url.indexOf("/dist/"));
  if (src >= 0) return url.slice(src + 1);
  return url.replace(/^file:\/\//, "");
};

const percent = (part: number, whole: number) =>
  `${((100 * part) / whole).toFixed(1)}%`.padStart(6);

/** The summary text of `profile`, headed by `title`, listing `top` functions and every owner over 0.5 %. */
export function summariseProfile(profile: CpuProfile, title: string, top = 25): string {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfUs = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  for (let index = 0; index < samples.length; index++) {
    const id = samples[index] as number;
    // A sample's time is the delta to the next one (the last one has none).
    const next = deltas[index + 1] ?? 0;
    selfUs.set(id, (selfUs.get(id) ?? 0) + Math.max(0, next));
  }
  const byFunction = new Map<string, { us: number; owner: string }>();
  const byOwner = new Map<string, number>();
  let busy = 0;
  let idle = 0;
  for (const [id, us] of selfUs) {
    const frame = byId.get(id)?.callFrame;
    if (frame === undefined) continue;
    if (frame.functionName === "(idle)") {
      idle += us;
      continue;
    }
    busy += us;
    const owner = ownerOf(frame.url, frame.functionName);
    const name =
      `${frame.functionName || "(anonymous)"} ${frame.url ? `${shortUrl(frame.url)}:${frame.lineNumber + 1}` : ""}`.trim();
    const entry = byFunction.get(name) ?? { us: 0, owner };
    entry.us += us;
    byFunction.set(name, entry);
    byOwner.set(owner, (byOwner.get(owner) ?? 0) + us);
  }
  const total = busy + idle;
  let expressLayer = 0;
  for (const [owner, us] of byOwner) if (EXPRESS_LAYER.has(owner)) expressLayer += us;
  const lines = [
    title,
    `busy ${(busy / 1000).toFixed(0)} ms of ${(total / 1000).toFixed(0)} ms sampled (${percent(busy, total || 1).trim()} busy); shares below are of busy time`,
    `Express layer (Express 5, router, body parsing, helmet, the Apollo integration; self time): ${percent(expressLayer, busy).trim()}`,
    "",
    `Top ${top} functions by self time`,
    ...[...byFunction.entries()]
      .sort((a, b) => b[1].us - a[1].us)
      .slice(0, top)
      .map(
        ([name, entry]) =>
          `${percent(entry.us, busy)} ${(entry.us / 1000).toFixed(0).padStart(6)} ms  ${name}`,
      ),
    "",
    "Self time by where the code lives (over 0.5 %)",
    ...[...byOwner.entries()]
      .sort((a, b) => b[1] - a[1])
      .filter(([, us]) => us / busy >= 0.005)
      .map(
        ([owner, us]) => `${percent(us, busy)} ${(us / 1000).toFixed(0).padStart(6)} ms  ${owner}`,
      ),
  ];
  return `${lines.join("\n")}\n`;
}
