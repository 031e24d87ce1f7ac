export * from "./errors.js";
export { Redactor, REDACTED, isSecretName, redactPatterns, withoutUrlCredentials } from "./redact.js";
