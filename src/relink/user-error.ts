import type { RelinkSessionErrorCode } from "../generated/graphql.js";

/** A caller-fixable problem with createRelinkSession's input. */
export interface RelinkUserError {
  code: RelinkSessionErrorCode;
  field: string[];
  message: string;
}

/** Builds a user error on `input.<field>`. */
export const relinkError = (
  code: RelinkSessionErrorCode,
  field: string,
  message: string,
): RelinkUserError => ({ code, field: ["input", field], message });
