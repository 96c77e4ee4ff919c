import type { Env } from "./env-schema.js";

/** Where spans go when tracing is on. */
export type TraceExporterKind = "otlp" | "console";

/** Whether the gateway traces, and where the spans go (from the standard `OTEL_*` variables). */
export interface TracingSettings {
  /** False: no SDK is loaded or started, and every span the code starts is the API's no-op one. */
  enabled: boolean;
  /** `otlp` is OTLP over HTTP (`OTEL_EXPORTER_OTLP_ENDPOINT`, default `http://localhost:4318`). */
  exporters: TraceExporterKind[];
  /** `OTEL_SERVICE_NAME`, else the package's name. */
  serviceName: string;
}

/** The service name spans carry when `OTEL_SERVICE_NAME` is unset. */
export const DEFAULT_SERVICE_NAME = "fc-relink-gateway";

type TracingEnv = Pick<
  Env,
  | "OTEL_EXPORTER_OTLP_ENDPOINT"
  | "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"
  | "OTEL_TRACES_EXPORTER"
  | "OTEL_SDK_DISABLED"
  | "OTEL_SERVICE_NAME"
>;

/**
 * Tracing is on when `OTEL_TRACES_EXPORTER` names an exporter other than `none`, or, without it,
 * when an OTLP endpoint is set (`OTEL_EXPORTER_OTLP_ENDPOINT` or `..._TRACES_ENDPOINT`: then
 * OTLP/HTTP); off otherwise, and always off with `OTEL_SDK_DISABLED=true`.
 */
export function resolveTracingSettings(env: TracingEnv): TracingSettings {
  const serviceName = env.OTEL_SERVICE_NAME ?? DEFAULT_SERVICE_NAME;
  const off: TracingSettings = { enabled: false, exporters: [], serviceName };
  if (env.OTEL_SDK_DISABLED === true) return off;
  if (env.OTEL_TRACES_EXPORTER.length > 0) {
    const exporters = [
      ...new Set(
        env.OTEL_TRACES_EXPORTER.filter((kind): kind is TraceExporterKind => kind !== "none"),
      ),
    ];
    return exporters.length === 0 ? off : { enabled: true, exporters, serviceName };
  }
  const endpoint = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? env.OTEL_EXPORTER_OTLP_ENDPOINT;
  return endpoint === undefined ? off : { enabled: true, exporters: ["otlp"], serviceName };
}
