/** What `stage` accepts: its sources and options, checked, and read errors told in words. */
import { Readable } from "node:stream";
import { AttachmentError, InvalidOptionsError } from "../errors/index.js";
import type { StageOptions } from "./types.js";

/** The error for a source path that could not be read. */
export function fileError(error: unknown, given: string, resolved: string): AttachmentError {
  const code = (error as NodeJS.ErrnoException).code;
  const why = code === "ENOENT" ? "does not exist" : code === "EACCES" || code === "EPERM" ? "cannot be read (permission denied)" : code === "EISDIR" ? "is a directory, not a file" : `cannot be read (${code ?? (error as Error).message})`;
  return new AttachmentError(`${given} ${why}`, resolved);
}

/** A web or Node readable stream. */
export function isReadable(value: unknown): value is ReadableStream<Uint8Array> | NodeJS.ReadableStream {
  if (value === null || typeof value !== "object") return false;
  return typeof (value as ReadableStream).getReader === "function" || typeof (value as NodeJS.ReadableStream).pipe === "function";
}

/** Any readable as a Node `Readable`. */
export function toNodeReadable(source: ReadableStream<Uint8Array> | NodeJS.ReadableStream): Readable {
  if (source instanceof Readable) return source;
  if (typeof (source as ReadableStream).getReader === "function") return Readable.fromWeb(source as import("node:stream/web").ReadableStream<Uint8Array>);
  return Readable.from(source as AsyncIterable<Uint8Array>);
}

/** `InvalidOptionsError` for options `stage` cannot use. */
export function checkStageOptions(options: StageOptions): void {
  if (options === null || typeof options !== "object") throw new InvalidOptionsError("stage() options must be an object");
  if (options.name !== undefined && (typeof options.name !== "string" || options.name.length === 0)) throw new InvalidOptionsError("stage(): name must be a non-empty string");
  if (options.mimeType !== undefined && (typeof options.mimeType !== "string" || !/^[\w.+-]+\/[\w.+-]+$/.test(options.mimeType))) throw new InvalidOptionsError("stage(): mimeType must look like type/subtype");
  for (const key of ["ttlMs", "maxBytes"] as const) {
    const value = options[key];
    if (value !== undefined && !(Number.isSafeInteger(value) && value > 0)) throw new InvalidOptionsError(`stage(): ${key} must be a positive whole number`);
  }
}
