export * from "./errors.js";
export { Redactor, REDACTED, isSecretName, redactPatterns } from "./redact.js";
