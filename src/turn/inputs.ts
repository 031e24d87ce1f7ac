/**
 * Files a turn's input names must exist before codex is asked: a missing image or file is a
 * mistake in the calling program, better reported as a typed error than as a turn in which the
 * model is told it could not read something.
 */
import { stat } from "node:fs/promises";
import path from "node:path";
import { AttachmentError, InvalidOptionsError } from "../errors/index.js";
import type { NormalizedInput } from "../input.js";

/**
 * Throws `InvalidOptionsError` naming the path when the thread's working directory does not exist
 * or is not a directory: codex would run every command there and fail each one, or exit without
 * saying why.
 */
export async function checkWorkingDirectory(cwd: string): Promise<void> {
  let isDirectory: boolean;
  try {
    isDirectory = (await stat(cwd)).isDirectory();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InvalidOptionsError(`workingDirectory ${cwd} ${code === "ENOENT" ? "does not exist" : `cannot be read (${code ?? "error"})`}`);
  }
  if (!isDirectory) throw new InvalidOptionsError(`workingDirectory ${cwd} is not a directory`);
}

/**
 * Throws `AttachmentError` for a `local_image` (resolved from `process.cwd()`, as codex exec reads
 * `--image`) or a `file` (resolved from the thread's working directory, as codex reads `@path`
 * mentions) that is missing, unreadable or not a regular file.
 */
export async function checkInputFiles(input: NormalizedInput, cwd: string): Promise<void> {
  const files = [
    ...input.images.map((image) => ({ given: image, resolved: path.resolve(image), kind: "image" })),
    ...input.files.map((file) => ({ given: file, resolved: path.resolve(cwd, file), kind: "file" })),
  ];
  await Promise.all(
    files.map(async ({ given, resolved, kind }) => {
      let isFile: boolean;
      try {
        isFile = (await stat(resolved)).isFile();
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        const why = code === "ENOENT" ? "does not exist" : code === "EACCES" ? "cannot be read" : `cannot be read (${code ?? "error"})`;
        throw new AttachmentError(`the ${kind} ${given} ${why} (looked for ${resolved})`, resolved);
      }
      if (!isFile) throw new AttachmentError(`the ${kind} ${given} is not a regular file (${resolved})`, resolved);
    }),
  );
}
