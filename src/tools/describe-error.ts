/** Text for anything a tool may throw; user code can throw values that even `String()` rejects. */
export function describeError(error: unknown): string {
  try {
    if (error instanceof Error) return typeof error.message === "string" ? error.message : String(error.message);
    if (typeof error === "string") return error;
    if (typeof error === "object" && error !== null) {
      const message = (error as { message?: unknown }).message;
      if (typeof message === "string") return message;
      const json = JSON.stringify(error);
      if (json !== undefined) return json;
    }
    return String(error);
  } catch {
    return "unknown error";
  }
}
