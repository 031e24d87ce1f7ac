/** A structured logger: pino's `(obj, msg)` calling convention, so a pino logger fits as is. */
export interface Logger {
  /** Logs the fields `obj` and the message `msg` at debug level. */
  debug(obj: Record<string, unknown>, msg?: string): void;
  /** Logs the fields `obj` and the message `msg` at info level. */
  info(obj: Record<string, unknown>, msg?: string): void;
  /** Logs the fields `obj` and the message `msg` at warn level. */
  warn(obj: Record<string, unknown>, msg?: string): void;
  /** Logs the fields `obj` and the message `msg` at error level. */
  error(obj: Record<string, unknown>, msg?: string): void;
}

const noop = (): void => {};

/** The default logger: says nothing. */
export const silentLogger: Logger = { debug: noop, info: noop, warn: noop, error: noop };

/** Wraps a logger so every message and field is redacted before it leaves codexkit. */
export function redactingLogger(logger: Logger, redact: <T>(value: T) => T): Logger {
  // Nothing is printed: skip redacting every field of every debug line for nobody.
  if (logger === silentLogger) return silentLogger;
  const wrap =
    (level: keyof Logger) =>
    (obj: Record<string, unknown>, msg?: string): void => {
      try {
        logger[level](redact(obj), msg === undefined ? undefined : redact(msg));
      } catch {
        // A broken logger must never break a turn.
      }
    };
  return { debug: wrap("debug"), info: wrap("info"), warn: wrap("warn"), error: wrap("error") };
}
