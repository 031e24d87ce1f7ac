/** A logger that remembers what it was told, for assertions on warnings and debug lines. */
import type { Logger } from "../../src/logger.js";

export type LogEntry = { level: keyof Logger; obj: Record<string, unknown>; msg: string | undefined };

/** Records every call; `messages(level)` lists the messages of one level. */
export function recordingLogger(): Logger & { entries: LogEntry[]; messages(level: keyof Logger): string[] } {
  const entries: LogEntry[] = [];
  const at =
    (level: keyof Logger) =>
    (obj: Record<string, unknown>, msg?: string): void => {
      entries.push({ level, obj, msg });
    };
  const messages = (level: keyof Logger): string[] => entries.filter((e) => e.level === level).map((e) => e.msg ?? "");
  return { entries, messages, debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
}
