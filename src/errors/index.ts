export * from "./errors.js";
export { Redactor, REDACTED, isSecretName, redactPatterns, withoutUrlCredentials } from "./redact.js";
export { addFailureRefiner, refinedFailure, type FailureRefiner } from "./failure-refiners.js";
