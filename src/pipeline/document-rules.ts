import { NoSchemaIntrospectionCustomRule, type ParseOptions, type ValidationRule } from "graphql";

/** How every document is parsed and validated, on every transport. */
export interface DocumentRules {
  /** Parser options (the token limit). */
  parseOptions: ParseOptions;
  /** Validation rules run after the spec's: the query limits, and introspection when it is off. */
  validationRules: ValidationRule[];
  /** No "Did you mean …?" suggestion in any error (introspection off). */
  hideSuggestions: boolean;
  /** Validation work a document may need (`validationWork`), checked before validating. */
  maxValidationWork: number;
}

/** GRAPHQL_MAX_VALIDATION_WORK's default. */
export const DEFAULT_MAX_VALIDATION_WORK = 50_000;

/** What the rules are built from: the exposure and the limits (`server/query-protection.ts`). */
export interface DocumentPosture {
  /** Introspection, and suggestions in errors; default true (development). */
  introspection?: boolean;
  /** The query-limit rules (depth, aliases, directives). */
  validationRules?: ValidationRule[];
  /** Parser options (the token limit). */
  parseOptions?: ParseOptions;
  /** GRAPHQL_MAX_VALIDATION_WORK; default DEFAULT_MAX_VALIDATION_WORK. */
  maxValidationWork?: number;
}

/**
 * The one decision of how documents are parsed and validated: the posture's parser options and
 * rules, plus graphql-js's NoSchemaIntrospectionCustomRule when introspection is off. Apollo is
 * given these (and none of its own) on HTTP, and `admitDocument` applies them on every other
 * transport, so a document gets the same errors, with the same messages, whatever carried it.
 */
export function documentRules(posture: DocumentPosture): DocumentRules {
  const introspection = posture.introspection ?? true;
  return {
    parseOptions: posture.parseOptions ?? {},
    validationRules: [
      ...(posture.validationRules ?? []),
      ...(introspection ? [] : [NoSchemaIntrospectionCustomRule]),
    ],
    hideSuggestions: !introspection,
    maxValidationWork: posture.maxValidationWork ?? DEFAULT_MAX_VALIDATION_WORK,
  };
}
