/**
 * Validation of Stripe wire payloads against stripe-spec/openapi-fc.json, the project's copy of
 * Stripe's OpenAPI 3.0 description of Financial Connections. Tests use it to prove that what the
 * sandbox sends is exactly what Stripe documents: responses per operation and status, and events.
 */
import { readFileSync } from "node:fs";
import { fromSchema } from "@openapi-contrib/openapi-schema-to-json-schema";
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";

/** Outcome of one validation: `ok`, or a readable list of what is wrong. */
export type ValidationResult = { ok: true } | { ok: false; errors: string[] };

/** One operation of the spec, addressed by method and path template. */
export interface SpecOperation {
  method: string;
  template: string;
}

type Json = Record<string, unknown>;

const SPEC_URL = new URL("../../stripe-spec/openapi-fc.json", import.meta.url);
const BASE_ID = "https://fc-spec.invalid/components.json";
const HTTP_METHODS = ["get", "post", "delete", "put", "patch"] as const;

function isRecord(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function child(value: unknown, ...keys: string[]): unknown {
  let current = value;
  for (const key of keys) current = isRecord(current) ? current[key] : undefined;
  return current;
}

/**
 * OpenAPI 3.0 marks `null` with `nullable: true`; the converter only understands it next to
 * `type`. Stripe writes nullable objects as `{nullable, anyOf: [{$ref}]}`, which the converter
 * would silently make non-null: add the `null` branch ourselves. Also makes every local `$ref`
 * absolute so that any sub-schema compiles on its own.
 */
function prepare(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(prepare);
  if (!isRecord(node)) return node;
  const out: Json = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === "$ref" && typeof value === "string") out[key] = value.replace(/^#/, `${BASE_ID}#`);
    else out[key] = prepare(value);
  }
  if (out.nullable === true && out.type === undefined) {
    const branch = Array.isArray(out.anyOf) ? "anyOf" : Array.isArray(out.oneOf) ? "oneOf" : null;
    if (branch) out[branch] = [...(out[branch] as unknown[]), { type: "null" }];
    else if (typeof out.$ref === "string") {
      out.anyOf = [{ $ref: out.$ref }, { type: "null" }];
      delete out.$ref;
    }
    delete out.nullable;
  }
  return out;
}

function toJsonSchema(schema: unknown): Json {
  const converted: Json = { ...fromSchema(prepare(schema) as Json, { cloneSchema: true }) };
  delete converted.$schema;
  return converted;
}

interface Loaded {
  spec: Json;
  ajv: Ajv;
  componentNames: string[];
  compiled: Map<string, ValidateFunction>;
}

let loaded: Loaded | undefined;

function load(): Loaded {
  if (loaded) return loaded;
  const spec: unknown = JSON.parse(readFileSync(SPEC_URL, "utf8"));
  if (!isRecord(spec)) throw new Error("openapi-fc.json is not a JSON object");
  const schemas = child(spec, "components", "schemas");
  if (!isRecord(schemas)) throw new Error("openapi-fc.json has no components.schemas");
  const definitions: Json = {};
  for (const [name, schema] of Object.entries(schemas)) definitions[name] = toJsonSchema(schema);
  // strict off: Stripe's x-* keywords are annotations, not errors.
  const ajv = new Ajv({ strict: false, allErrors: true });
  ajv.addFormat("unix-time", { type: "number", validate: (n: number) => Number.isInteger(n) });
  ajv.addSchema({ $id: BASE_ID, components: { schemas: definitions } });
  loaded = { spec, ajv, componentNames: Object.keys(schemas), compiled: new Map() };
  return loaded;
}

function compileRef(name: string): ValidateFunction {
  const { ajv, compiled, componentNames } = load();
  if (!componentNames.includes(name)) throw new Error(`no component schema named ${name}`);
  const key = `component:${name}`;
  let fn = compiled.get(key);
  if (!fn) {
    fn = ajv.compile({ $ref: `${BASE_ID}#/components/schemas/${name}` });
    compiled.set(key, fn);
  }
  return fn;
}

function describe(errors: ErrorObject[] | null | undefined): string[] {
  return (errors ?? []).slice(0, 25).map((e) => {
    const where = e.instancePath === "" ? "(root)" : e.instancePath;
    return `${where} ${e.message ?? "is invalid"} ${JSON.stringify(e.params)} [schema ${e.schemaPath}]`;
  });
}

function run(fn: ValidateFunction, data: unknown, prefix: string): string[] {
  return fn(data) ? [] : describe(fn.errors).map((line) => `${prefix}${line}`);
}

/** Every operation in the spec (17 paths, one method each here), in spec order. */
export function specOperations(): SpecOperation[] {
  const paths = child(load().spec, "paths");
  const out: SpecOperation[] = [];
  if (!isRecord(paths)) return out;
  for (const [template, item] of Object.entries(paths)) {
    for (const method of HTTP_METHODS) {
      if (isRecord(child(item, method))) out.push({ method: method.toUpperCase(), template });
    }
  }
  return out;
}

/**
 * The spec path template that a concrete request path (query string allowed) instantiates,
 * e.g. `/v1/financial_connections/accounts/fca_1/owners?x=1` ->
 * `/v1/financial_connections/accounts/{account}/owners`; undefined when none does.
 */
export function matchTemplate(method: string, path: string): string | undefined {
  const bare = path.split("?")[0] ?? path;
  const candidates = specOperations().filter((op) => op.method === method.toUpperCase());
  for (const op of candidates) {
    const pattern = op.template.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\{[^}]+\}/g, "[^/]+");
    if (new RegExp(`^${pattern}$`).test(bare)) return op.template;
  }
  return undefined;
}

/**
 * Validates a response body against the schema the spec gives for (method, template, status),
 * falling back to the operation's `default` response (Stripe's `error` schema). Unknown
 * operations and statuses without a schema are reported as failures, never as passes.
 */
export function validateResponse(
  method: string,
  template: string,
  status: number,
  body: unknown,
): ValidationResult {
  const { ajv, compiled, spec } = load();
  const op = child(spec, "paths", template, method.toLowerCase());
  if (!isRecord(op)) return { ok: false, errors: [`no operation ${method} ${template} in spec`] };
  const responses = child(op, "responses");
  const chosen = isRecord(responses) && String(status) in responses ? String(status) : "default";
  const schema = child(responses, chosen, "content", "application/json", "schema");
  if (schema === undefined) {
    return { ok: false, errors: [`${method} ${template} has no JSON schema for ${status}`] };
  }
  const key = `response:${method} ${template} ${chosen}`;
  let fn = compiled.get(key);
  if (!fn) {
    fn = ajv.compile(toJsonSchema(schema));
    compiled.set(key, fn);
  }
  const errors = run(fn, body, "");
  return errors.length === 0 ? { ok: true } : { ok: false, errors };
}

/** The event-wrapper component (`x-stripeEvent.type`) describing `data` for an event type. */
export function eventWrapperSchemaName(type: string): string | undefined {
  const schemas = child(load().spec, "components", "schemas");
  if (!isRecord(schemas)) return undefined;
  return Object.keys(schemas).find(
    (name) => child(schemas[name], "x-stripeEvent", "type") === type,
  );
}

/**
 * Validates an event against the `event` schema and `data` against the wrapper schema of its
 * `type` (so `data.object` must be, e.g., a full `financial_connections.account`). An event type
 * without a wrapper schema in the spec is a failure.
 */
export function validateEvent(event: unknown): ValidationResult {
  const errors = run(compileRef("event"), event, "event: ");
  const type = child(event, "type");
  const wrapper = typeof type === "string" ? eventWrapperSchemaName(type) : undefined;
  if (wrapper === undefined) errors.push(`event: no event schema in spec for type ${String(type)}`);
  else errors.push(...run(compileRef(wrapper), child(event, "data"), `data (${wrapper}): `));
  return errors.length === 0 ? { ok: true } : { ok: false, errors };
}

/** Validates a value against a named component schema (e.g. `financial_connections.account`). */
export function validateComponent(name: string, value: unknown): ValidationResult {
  const errors = run(compileRef(name), value, `${name}: `);
  return errors.length === 0 ? { ok: true } : { ok: false, errors };
}

/** Throws an Error whose message names `what` and lists every validation error. */
export function assertValid(result: ValidationResult, what: string): void {
  if (!result.ok)
    throw new Error(
      `${what} does not match the OpenAPI description:\n  ${result.errors.join("\n  ")}`,
    );
}
