/**
 * The one allow-list of browser origins (ALLOWED_ORIGINS), parsed once at start-up and used by
 * HTTP CORS on the GraphQL routes (`server/cross-origin.ts`) and by the WebSocket Origin check
 * (`transports/origin-check.ts`) alike.
 */

/** Hosts a development server runs on: what the development default lets in. */
const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

/** Which browser origins may call the gateway. */
export interface AllowedOrigins {
  /** Exact origins (`scheme://host[:port]`), from ALLOWED_ORIGINS. */
  listed: readonly string[];
  /**
   * The development default: with no list and outside production, any `http://` or `https://`
   * origin on localhost, 127.0.0.1 or [::1], any port (a local dev server). Never in production.
   */
  loopbackDefault: boolean;
}

/** Why ALLOWED_ORIGINS was refused: the variable and what is wrong with which entry. */
export interface AllowedOriginsProblem {
  variable: "ALLOWED_ORIGINS";
  message: string;
}

/** What is wrong with one entry, or undefined when it is an exact origin. */
function entryProblem(entry: string): string | undefined {
  let url: URL;
  try {
    url = new URL(entry);
  } catch {
    return "is not a URL";
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return "is not http or https";
  if (url.origin === entry) return undefined;
  if (url.pathname !== "/" || entry.endsWith("/") || url.search !== "" || url.hash !== "")
    return "has a path or a trailing slash (give no path)";
  return "is not written as a browser sends it (lowercase, no default port, no user)";
}

/**
 * Checks each entry of ALLOWED_ORIGINS (already split on commas and trimmed) is an exact origin as
 * a browser sends it in `Origin`: `http` or `https`, a host, an optional port, nothing else (no
 * path, no trailing slash, no `*`, no `null`), lowercase, the default port left out. Returns the
 * settings, or the first problem, naming the entry by position (config errors echo no value).
 */
export function resolveAllowedOrigins(
  entries: readonly string[],
  production: boolean,
): AllowedOrigins | AllowedOriginsProblem {
  for (const [index, entry] of entries.entries()) {
    const problem = entryProblem(entry);
    if (problem !== undefined) {
      return {
        variable: "ALLOWED_ORIGINS",
        message: `entry ${index + 1} ${problem}: each entry is an exact origin, scheme://host[:port], comma-separated`,
      };
    }
  }
  return { listed: [...entries], loopbackDefault: entries.length === 0 && !production };
}

/**
 * Whether a browser page of `origin` (an `Origin` header's value) may call the gateway: listed
 * exactly, or on a loopback host under the development default. Any other value, `null` and
 * malformed ones included, is not allowed.
 */
export function isAllowedOrigin(origin: string, allowed: AllowedOrigins): boolean {
  if (allowed.listed.includes(origin)) return true;
  if (!allowed.loopbackDefault) return false;
  try {
    const url = new URL(origin);
    return (
      (url.protocol === "http:" || url.protocol === "https:") &&
      url.origin === origin &&
      LOOPBACK_HOSTS.has(url.hostname)
    );
  } catch {
    return false;
  }
}
