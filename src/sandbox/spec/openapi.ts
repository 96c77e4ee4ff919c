import { readFileSync } from "node:fs";

/** The subset of JSON Schema (OpenAPI 3.0 flavour) that Stripe's FC description uses. */
export interface SchemaNode {
  $ref?: string;
  type?: "object" | "array" | "string" | "integer" | "number" | "boolean";
  properties?: Record<string, SchemaNode>;
  required?: string[];
  items?: SchemaNode;
  enum?: unknown[];
  anyOf?: SchemaNode[];
  maxLength?: number;
  nullable?: boolean;
  additionalProperties?: boolean | SchemaNode;
  title?: string;
}

interface ParameterNode {
  name: string;
  in: "query" | "path" | "header";
  required?: boolean;
  schema: SchemaNode;
}

interface OperationNode {
  operationId: string;
  parameters?: ParameterNode[];
  requestBody?: {
    content?: Record<string, { schema?: SchemaNode }>;
    required?: boolean;
  };
}

interface OpenApiDocument {
  paths: Record<string, Record<string, unknown>>;
  components: { schemas: Record<string, SchemaNode> };
}

/** One operation of the spec, ready for routing and parameter validation. */
export interface SpecOperation {
  method: "GET" | "POST";
  /** Path template as in the spec, e.g. `/v1/financial_connections/accounts/{account}`. */
  template: string;
  /** `METHOD template`: the key of request counters and faults. */
  key: string;
  operationId: string;
  pathParams: string[];
  /** Matches a concrete path; groups are the path parameters in order. */
  pattern: RegExp;
  /** Query (GET) or form body (POST) parameters, as one object schema. */
  params: SchemaNode;
}

const SPEC_URL = new URL("../../../stripe-spec/openapi-fc.json", import.meta.url);

let cached: { document: OpenApiDocument; operations: SpecOperation[] } | undefined;

function load(): { document: OpenApiDocument; operations: SpecOperation[] } {
  if (cached) return cached;
  const document = JSON.parse(readFileSync(SPEC_URL, "utf8")) as OpenApiDocument;
  const operations: SpecOperation[] = [];
  for (const [template, item] of Object.entries(document.paths)) {
    for (const method of ["get", "post"] as const) {
      const operation = item[method] as OperationNode | undefined;
      if (operation) operations.push(toSpecOperation(method, template, operation));
    }
  }
  cached = { document, operations };
  return cached;
}

/**
 * Every operation of stripe-spec/openapi-fc.json. Read once and cached; throws only if the
 * bundled spec file is missing or not JSON (a broken checkout).
 */
export function specOperations(): SpecOperation[] {
  return load().operations;
}

/** A named component schema (e.g. `financial_connections.account`), or undefined. */
export function componentSchema(name: string): SchemaNode | undefined {
  return load().document.components.schemas[name];
}

/** Follows a `#/components/schemas/...` reference; returns the node itself when it is not one. */
export function resolveSchema(node: SchemaNode): SchemaNode {
  let current = node;
  for (let depth = 0; current.$ref && depth < 10; depth++) {
    const name = current.$ref.replace("#/components/schemas/", "");
    const target = componentSchema(name);
    if (!target) return current;
    current = target;
  }
  return current;
}

function toSpecOperation(
  method: "get" | "post",
  template: string,
  operation: OperationNode,
): SpecOperation {
  const pathParams: string[] = [];
  const pattern = new RegExp(
    `^${template.replace(/\{([^}]+)\}/g, (_match, name: string) => {
      pathParams.push(name);
      return "([^/]+)";
    })}$`,
  );
  const properties: Record<string, SchemaNode> = {};
  const required: string[] = [];
  for (const parameter of operation.parameters ?? []) {
    if (parameter.in !== "query") continue;
    properties[parameter.name] = parameter.schema;
    if (parameter.required) required.push(parameter.name);
  }
  const body = operation.requestBody?.content?.["application/x-www-form-urlencoded"]?.schema;
  for (const [name, schema] of Object.entries(body?.properties ?? {})) properties[name] = schema;
  required.push(...(body?.required ?? []));
  const upper = method === "get" ? "GET" : "POST";
  return {
    method: upper,
    template,
    key: `${upper} ${template}`,
    operationId: operation.operationId,
    pathParams,
    pattern,
    params: { type: "object", properties, required, additionalProperties: false },
  };
}

/**
 * The operation serving `method path`, with its decoded path parameters; undefined when the
 * spec has no such route (the caller answers Stripe's "Unrecognized request URL").
 */
export function matchOperation(
  method: string,
  path: string,
): { operation: SpecOperation; pathParams: Record<string, string> } | undefined {
  for (const operation of specOperations()) {
    if (operation.method !== method) continue;
    const match = operation.pattern.exec(path);
    if (!match) continue;
    const pathParams: Record<string, string> = {};
    operation.pathParams.forEach((name, index) => {
      pathParams[name] = safeDecode(match[index + 1] ?? "");
    });
    return { operation, pathParams };
  }
  return undefined;
}

/** decodeURIComponent that keeps malformed escapes as they are instead of throwing. */
function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
