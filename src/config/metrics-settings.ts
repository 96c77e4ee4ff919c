/** Where the separate metrics server listens unless METRICS_HOST says otherwise: loopback only. */
export const DEFAULT_METRICS_HOST = "127.0.0.1";

/**
 * Who may read `/metrics` and where it is served (see src/server/metrics-endpoint.ts):
 * - `token` (METRICS_TOKEN): when set, in any mode, `/metrics` answers only requests carrying
 *   `Authorization: Bearer <token>`.
 * - `port` (METRICS_PORT): when set, `/metrics` is served only by a server of its own on
 *   `host`:`port` (0 = any free port), and no longer on the gateway's port.
 * - `host` (METRICS_HOST): the address that server binds to.
 * In production with neither a token nor a port, `/metrics` is not served at all (404).
 */
export interface MetricsSettings {
  token: string | undefined;
  port: number | undefined;
  host: string;
}

/** A bad setting, named by its environment variable. */
export interface MetricsSettingsProblem {
  variable: string;
  message: string;
}

/**
 * Resolves the metrics settings from the parsed environment, or returns the problem: the
 * metrics port cannot be the gateway's own (0, any free port, excepted).
 */
export function resolveMetricsSettings(env: {
  PORT: number;
  METRICS_TOKEN?: string | undefined;
  METRICS_PORT?: number | undefined;
  METRICS_HOST?: string | undefined;
}): MetricsSettings | MetricsSettingsProblem {
  if (env.METRICS_PORT !== undefined && env.METRICS_PORT !== 0 && env.METRICS_PORT === env.PORT) {
    return {
      variable: "METRICS_PORT",
      message: "must differ from PORT (metrics get a server of their own)",
    };
  }
  return {
    token: env.METRICS_TOKEN,
    port: env.METRICS_PORT,
    host: env.METRICS_HOST ?? DEFAULT_METRICS_HOST,
  };
}
