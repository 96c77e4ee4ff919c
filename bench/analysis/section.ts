/**
 * The "document analysis" section (issue 20, MEDIUM 2): the time the gateway spends parsing and
 * validating the costliest documents its limits still admit, against the dashboard query's, in
 * one run. Each document is the largest of its shape under the default limits (the token limit
 * and GRAPHQL_MAX_VALIDATION_WORK: a document over the work bound is refused before validation,
 * in microseconds); the analysis is what the pipeline does per uncached document: parse with the
 * token limit, bound the validation work, validate with graphql-js's rules and the gateway's.
 * The goal: no admitted document takes over 20 ms of analysis on this machine.
 */
import { type DocumentNode, parse, specifiedRules, validate } from "graphql";
import { loadConfig } from "../../src/config/config.js";
import { queryLimitRules, tokenLimitParseOptions } from "../../src/limits/query-limit-rules.js";
import { validationWork } from "../../src/limits/validation-work.js";
import { buildGatewaySchema } from "../../src/server/schema.js";
import {
  fragmentFanOut,
  manyFragments,
  nestedFanOut,
} from "../../test/support/adversarial-documents.js";
import { fixed, ratio, table, times } from "../format.js";
import { DASHBOARD_QUERY } from "../query.js";

/** Analyses timed per document, after a third as many untimed ones (JIT). */
const RUNS = 30;
/** The goal of issue 20: no admitted document over this much analysis. */
export const ANALYSIS_GOAL_MS = 20;

/** One document's analysis. */
export interface AnalysedDocument {
  name: string;
  /** Characters of the document. */
  length: number;
  /** `validationWork` of it (the bound is GRAPHQL_MAX_VALIDATION_WORK). */
  work: number;
  /** Whether the gateway admits it to validation (work within the bound). */
  admitted: boolean;
  /** Median and worst milliseconds of one analysis over RUNS. */
  medianMs: number;
  maxMs: number;
}

/** The section's figures. */
export interface AnalysisResults {
  maxValidationWork: number;
  maxTokens: number;
  documents: AnalysedDocument[];
  dashboard: AnalysedDocument;
  /** The slowest admitted document's median, and its ratio to the dashboard's. */
  worstAdmittedMedianMs: number;
  worstOverDashboard: number | null;
}

const repeat = (count: number, text: (index: number) => string) =>
  Array.from({ length: count }, (_, index) => text(index)).join(" ");

/**
 * The largest `count` for which `build(count)` stays within the work bound and the token limit,
 * by bisection (the work grows with `count`).
 */
function largestAdmitted(
  build: (count: number) => string,
  fits: (text: string) => boolean,
  high: number,
): number {
  let low = 1;
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (fits(build(middle))) low = middle;
    else high = middle - 1;
  }
  return low;
}

/** Times the analysis the pipeline makes of one uncached document. */
export function runAnalysisSection(): AnalysisResults {
  const config = loadConfig({});
  const { limits } = config.graphql;
  const schema = buildGatewaySchema();
  const parseOptions = tokenLimitParseOptions(limits);
  const rules = [...specifiedRules, ...queryLimitRules(limits)];
  const bound = limits.maxValidationWork;
  const parsed = (text: string): DocumentNode | undefined => {
    try {
      return parse(text, parseOptions);
    } catch {
      return undefined;
    }
  };
  const fits = (text: string) => {
    const document = parsed(text);
    return document !== undefined && validationWork(document, bound + 1) <= bound;
  };
  const analyse = (name: string, text: string): AnalysedDocument => {
    const once = () => {
      const started = performance.now();
      const document = parse(text, parseOptions);
      const work = validationWork(document, bound + 1);
      if (work <= bound) validate(schema, document, rules);
      return { ms: performance.now() - started, work };
    };
    for (let i = 0; i < Math.ceil(RUNS / 3); i++) once();
    const samples = Array.from({ length: RUNS }, once);
    const sorted = samples.map((sample) => sample.ms).sort((a, b) => a - b);
    const work = samples[0]?.work ?? 0;
    return {
      name,
      length: text.length,
      work,
      admitted: work <= bound,
      medianMs: sorted[Math.floor(sorted.length / 2)] ?? 0,
      maxMs: sorted.at(-1) ?? 0,
    };
  };
  const shapes: { name: string; build: (count: number) => string; high: number }[] = [
    {
      name: "same-named leaf fields",
      build: (n) => `{ ${repeat(n, () => "__typename")} }`,
      high: 2_000,
    },
    {
      name: "same-named fields with selections",
      build: (n) => `{ ${repeat(n, () => "accounts { nodes { id } }")} }`,
      high: 200,
    },
    {
      name: "same-named fields, arguments differing",
      build: (n) => `{ ${repeat(n, (i) => `accounts(first: ${1 + (i % 2)}) { nodes { id } }`)} }`,
      high: 200,
    },
    {
      name: "fragments with the same fields",
      build: (n) =>
        `{ ${repeat(n, (i) => `...F${i}`)} } ${repeat(n, (i) => `fragment F${i} on Query { accounts { nodes { id } } }`)}`,
      high: 200,
    },
    {
      name: "inline fragments",
      build: (n) => `{ ${repeat(n, () => "... on Query { __typename }")} }`,
      high: 400,
    },
    { name: "fragment fan-out chain", build: (n) => fragmentFanOut(n), high: 30 },
    { name: "fragments spreading every later one", build: (n) => manyFragments(n), high: 60 },
    { name: "fan-out under lists", build: (n) => nestedFanOut(n), high: 400 },
  ];
  const documents = shapes.map((shape) => {
    const count = largestAdmitted(shape.build, fits, shape.high);
    return analyse(`${shape.name} (${count})`, shape.build(count));
  });
  // The review's document, over the bound since issue 20: refused before validation.
  documents.push(
    analyse(
      "the review's 141 x `accounts { nodes { id } }` (refused)",
      `{ ${"accounts { nodes { id } } ".repeat(141)}}`,
    ),
  );
  const dashboard = analyse("dashboard query", DASHBOARD_QUERY);
  const worst = Math.max(...documents.filter((d) => d.admitted).map((d) => d.medianMs));
  return {
    maxValidationWork: bound,
    maxTokens: limits.maxTokens,
    documents,
    dashboard,
    worstAdmittedMedianMs: worst,
    worstOverDashboard: ratio(worst, dashboard.medianMs),
  };
}

/** The section as plain text. */
export function formatAnalysis(results: AnalysisResults): string {
  const row = (d: AnalysedDocument) => [
    d.name,
    String(d.length),
    String(d.work),
    d.admitted ? "validated" : "refused",
    fixed(d.medianMs, 2),
    fixed(d.maxMs, 2),
  ];
  return [
    `Document analysis (parse + work bound + validation, per uncached document; GRAPHQL_MAX_VALIDATION_WORK ${results.maxValidationWork}, ${results.maxTokens} tokens; goal: under ${ANALYSIS_GOAL_MS} ms)`,
    table(
      ["document", "chars", "work", "analysis", "median ms", "max ms"],
      [...results.documents.map(row), row(results.dashboard)],
    ),
    `slowest admitted document: ${fixed(results.worstAdmittedMedianMs, 2)} ms median (${times(results.worstOverDashboard)} the dashboard's), goal ${ANALYSIS_GOAL_MS} ms: ${results.worstAdmittedMedianMs <= ANALYSIS_GOAL_MS ? "met" : "MISSED"}`,
  ].join("\n");
}
