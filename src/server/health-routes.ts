import express, { type Router } from "express";
import type { CheckResult, ReadinessCheck } from "./readiness.js";

/** The error part of a 503 readiness answer (every error answer carries a code). */
const NOT_READY = { code: "NOT_READY", message: "The gateway cannot serve now; see checks." };

/** What the health routes report on. */
export interface HealthRoutesOptions {
  /** Readiness checks by dependency name (e.g. `stripe`, `redis`). */
  checks: Record<string, ReadinessCheck>;
  /** True once shutdown began: readiness then fails at once, so load balancers stop routing here. */
  shuttingDown: () => boolean;
}

/**
 * `GET /healthz`: 200 while the process serves HTTP (liveness; no dependency is checked).
 * `GET /readyz`: 200 `{status: "ready", checks}` when every check is "ok", else 503
 * `{status: "not_ready", checks, error: {code: "NOT_READY", message}}` (also 503
 * `shutting_down`, with the same error, during shutdown).
 * (`GET /metrics` is served apart, with its own access rules: see metrics-endpoint.ts.)
 */
export function healthRoutes(options: HealthRoutesOptions): Router {
  const router = express.Router();
  router.get("/healthz", (_request, response) => {
    response.json({ status: "ok" });
  });
  router.get("/readyz", async (_request, response) => {
    if (options.shuttingDown()) {
      response.status(503).json({ status: "shutting_down", checks: {}, error: NOT_READY });
      return;
    }
    const entries = await Promise.all(
      Object.entries(options.checks).map(
        async ([name, check]): Promise<[string, CheckResult]> => [name, await check()],
      ),
    );
    const ready = entries.every(([, result]) => result === "ok");
    response.status(ready ? 200 : 503).json({
      status: ready ? "ready" : "not_ready",
      checks: Object.fromEntries(entries),
      ...(ready ? {} : { error: NOT_READY }),
    });
  });
  return router;
}
