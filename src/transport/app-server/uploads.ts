/**
 * Files for an app-server on another machine: a staged file is uploaded into a per-thread
 * directory on the agent's host (`fs/writeFile` to a part file, `fs/copy` into place) and read
 * back and checked against its SHA-256 before a turn uses it. Content the host has already (this
 * connection verified it, or an earlier one left it at the same content-addressed path) is not
 * uploaded again; a copy elsewhere on the host is copied there instead. A failed upload is an
 * `AttachmentError`, and the part file is removed.
 */
import { createHash, randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { AttachmentError, UntrustedDirectoryError } from "../../errors/index.js";
import { safeFileName, type StagedFile } from "../../files/index.js";
import { logEvent } from "../../log-events.js";
import type { Logger } from "../../logger.js";
import { untrustedDirectoryError } from "../git.js";
import type { AppServer } from "./server.js";

/** The largest file sent to a remote host (one JSON-RPC message carries it, base64). */
export const UPLOAD_MAX_BYTES = 128 * 1024 * 1024;
/** An upload of this many bytes may take this long per MiB (on top of a base), before it counts as failed. */
const UPLOAD_BASE_TIMEOUT_MS = 30_000;
const UPLOAD_MS_PER_MIB = 2_000;

const Metadata = z.object({ isFile: z.boolean(), isDirectory: z.boolean() });
const FileData = z.object({ dataBase64: z.string() });
const DirectoryEntries = z.object({ entries: z.array(z.object({ fileName: z.string() }).passthrough()) }).passthrough();

/** Path functions for the host's platform. */
function hostPath(server: AppServer): path.PlatformPath {
  return server.host.platformFamily === "windows" ? path.win32 : path.posix;
}

/** The upload root: `uploadDir`, else `codexkit-uploads` in the host's CODEX_HOME. */
export function uploadRoot(server: AppServer, uploadDir: string | undefined): string {
  if (uploadDir) return uploadDir;
  if (server.host.codexHome) return hostPath(server).join(server.host.codexHome, "codexkit-uploads");
  throw new AttachmentError("the app-server did not say where its CODEX_HOME is; set appServer.uploadDir", "");
}

/** Puts `file` on the host for `threadId` and returns its path there, verified. */
export async function placeOnHost(server: AppServer, root: string, threadId: string, file: StagedFile, logger: Logger): Promise<string> {
  const p = hostPath(server);
  const dir = p.join(root, threadId, file.sha256);
  const target = p.join(dir, safeFileName(file.name));
  if (server.uploaded.get(target) === file.sha256) return target;
  const fail = (why: string, cause?: unknown): AttachmentError =>
    new AttachmentError(`uploading ${file.name} (${file.id}) to codex app-server's host failed: ${why}`, file.path, cause === undefined ? undefined : { cause });
  if (file.size > UPLOAD_MAX_BYTES) throw fail(`it is ${file.size} bytes, over the ${UPLOAD_MAX_BYTES}-byte limit of one upload`);
  if (await hasContent(server, target, file.sha256)) {
    server.uploaded.set(target, file.sha256);
    logEvent(logger, "file.uploaded", { id: file.id, threadId, bytes: 0, existing: true });
    return target;
  }
  const part = `${target}.part-${randomBytes(6).toString("hex")}`;
  let copied = false;
  try {
    await server.call("fs/createDirectory", { path: dir, recursive: true });
    await removeStaleParts(server, dir);
    const elsewhere = [...server.uploaded].find(([, sha]) => sha === file.sha256)?.[0];
    if (elsewhere !== undefined && (await hasContent(server, elsewhere, file.sha256))) {
      await server.call("fs/copy", { sourcePath: elsewhere, destinationPath: target });
      copied = true;
    } else {
      const data = await readFile(file.path);
      const timeoutMs = UPLOAD_BASE_TIMEOUT_MS + Math.ceil(data.length / 1_048_576) * UPLOAD_MS_PER_MIB;
      await server.call("fs/writeFile", { path: part, dataBase64: data.toString("base64") }, undefined, { timeoutMs });
      await server.call("fs/copy", { sourcePath: part, destinationPath: target });
      await server.call("fs/remove", { path: part, force: true });
    }
    if (!(await hasContent(server, target, file.sha256))) throw fail("the host's copy does not match the file's SHA-256");
  } catch (error) {
    // Best effort: on a dead connection the part file waits for the next upload into this directory.
    await server.call("fs/remove", { path: part, force: true }).catch(() => {});
    if (error instanceof AttachmentError) {
      await server.call("fs/remove", { path: target, force: true }).catch(() => {});
      throw error;
    }
    throw fail((error as Error).message, error);
  }
  server.uploaded.set(target, file.sha256);
  logEvent(logger, "file.uploaded", { id: file.id, threadId, bytes: copied ? 0 : file.size, existing: copied });
  return target;
}

/** True when `target` on the host is a file with content `sha256`. */
async function hasContent(server: AppServer, target: string, sha256: string): Promise<boolean> {
  try {
    const meta = await server.call("fs/getMetadata", { path: target }, Metadata);
    if (!meta.isFile) return false;
    const { dataBase64 } = await server.call("fs/readFile", { path: target }, FileData, { timeoutMs: 120_000 });
    return createHash("sha256").update(Buffer.from(dataBase64, "base64")).digest("hex") === sha256;
  } catch {
    return false;
  }
}

/** Part files an upload cut short left in `dir`. */
async function removeStaleParts(server: AppServer, dir: string): Promise<void> {
  const listing = await server.call("fs/readDirectory", { path: dir }, DirectoryEntries).catch(() => null);
  for (const entry of listing?.entries ?? []) {
    if (/\.part-[0-9a-f]{12}$/.test(entry.fileName)) await server.call("fs/remove", { path: hostPath(server).join(dir, entry.fileName), force: true }).catch(() => {});
  }
}

/**
 * codex exec's git check, made on the agent's host: `cwd` or an ancestor holds a `.git` file or a
 * `.git` directory with a `HEAD`.
 */
export async function requireRemoteGitRepository(server: AppServer, cwd: string): Promise<void> {
  const p = hostPath(server);
  let current = cwd;
  for (;;) {
    const dotGit = p.join(current, ".git");
    const meta = await server.call("fs/getMetadata", { path: dotGit }, Metadata).catch(() => null);
    if (meta?.isFile) return;
    if (meta?.isDirectory && (await server.call("fs/getMetadata", { path: p.join(dotGit, "HEAD") }, Metadata).catch(() => null))) return;
    const parent = p.dirname(current);
    if (parent === current) throw untrustedDirectoryError(cwd) as UntrustedDirectoryError;
    current = parent;
  }
}
