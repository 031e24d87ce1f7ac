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
import { AttachmentError, RpcError } from "../../errors/index.js";
import { safeFileName, type StagedFile } from "../../files/index.js";
import { logEvent } from "../../log-events.js";
import type { Logger } from "../../logger.js";
import { findGitRootWith, untrustedDirectoryError } from "../git.js";
import type { AppServer } from "./server.js";

/** The largest file sent to a remote host (one JSON-RPC message carries it, base64). */
export const UPLOAD_MAX_BYTES = 128 * 1024 * 1024;
/** A transfer of a file to or from the host may take a base time plus this long per MiB. */
const TRANSFER_BASE_TIMEOUT_MS = 30_000;
const TRANSFER_MS_PER_MIB = 2_000;

/** How long writing or reading back `bytes` on the host may take. */
function transferTimeout(bytes: number): number {
  return TRANSFER_BASE_TIMEOUT_MS + Math.ceil(bytes / 1_048_576) * TRANSFER_MS_PER_MIB;
}

/** Uploads in progress, per connection and target: the same file placed twice at once is uploaded once. */
const inFlight = new WeakMap<AppServer, Map<string, Promise<string>>>();

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
export function placeOnHost(server: AppServer, root: string, threadId: string, file: StagedFile, logger: Logger): Promise<string> {
  const p = hostPath(server);
  const dir = p.join(root, threadId, file.sha256);
  const target = p.join(dir, safeFileName(file.name));
  if (server.uploaded.get(target) === file.sha256) return Promise.resolve(target);
  let pending = inFlight.get(server);
  if (!pending) inFlight.set(server, (pending = new Map()));
  const running = pending.get(target);
  if (running) return running;
  const uploading = upload(server, dir, target, threadId, file, logger).finally(() => pending.delete(target));
  pending.set(target, uploading);
  return uploading;
}

async function upload(server: AppServer, dir: string, target: string, threadId: string, file: StagedFile, logger: Logger): Promise<string> {
  const fail = (why: string, cause?: unknown): AttachmentError =>
    new AttachmentError(`uploading ${file.name} (${file.id}) to codex app-server's host failed: ${why}`, file.path, cause === undefined ? undefined : { cause });
  if (file.size > UPLOAD_MAX_BYTES) throw fail(`it is ${file.size} bytes, over the ${UPLOAD_MAX_BYTES}-byte limit of one upload`);
  const part = `${target}.part-${randomBytes(6).toString("hex")}`;
  let copied = false;
  try {
    if (await hasContent(server, target, file.sha256, file.size)) {
      server.uploaded.set(target, file.sha256);
      logEvent(logger, "file.uploaded", { id: file.id, threadId, bytes: 0, existing: true });
      return target;
    }
    await server.call("fs/createDirectory", { path: dir, recursive: true });
    await removeStaleParts(server, dir);
    const elsewhere = [...server.uploaded].find(([, sha]) => sha === file.sha256)?.[0];
    if (elsewhere !== undefined && (await hasContent(server, elsewhere, file.sha256, file.size))) {
      await server.call("fs/copy", { sourcePath: elsewhere, destinationPath: target });
      copied = true;
    } else {
      const data = await readFile(file.path);
      await server.call("fs/writeFile", { path: part, dataBase64: data.toString("base64") }, undefined, { timeoutMs: transferTimeout(data.length) });
      await server.call("fs/copy", { sourcePath: part, destinationPath: target });
      await server.call("fs/remove", { path: part, force: true });
    }
    if (!(await hasContent(server, target, file.sha256, file.size))) throw fail("the host's copy does not match the file's SHA-256");
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

/**
 * True when `target` on the host is a file with content `sha256`; false when it is missing or
 * differs. A failed connection or a timeout is not an answer: it rejects.
 */
async function hasContent(server: AppServer, target: string, sha256: string, size: number): Promise<boolean> {
  const meta = await server.call("fs/getMetadata", { path: target }, Metadata).catch(notFound);
  if (!meta?.isFile) return false;
  const data = await server.call("fs/readFile", { path: target }, FileData, { timeoutMs: transferTimeout(size) }).catch(notFound);
  return data !== null && createHash("sha256").update(Buffer.from(data.dataBase64, "base64")).digest("hex") === sha256;
}

/** The host answered with an error (no such file, not readable): null. Anything else rejects. */
function notFound(error: unknown): null {
  if (error instanceof RpcError) return null;
  throw error;
}

/** Part files an upload cut short left in `dir`. */
async function removeStaleParts(server: AppServer, dir: string): Promise<void> {
  const listing = await server.call("fs/readDirectory", { path: dir }, DirectoryEntries).catch(() => null);
  for (const entry of listing?.entries ?? []) {
    if (/\.part-[0-9a-f]{12}$/.test(entry.fileName)) await server.call("fs/remove", { path: hostPath(server).join(dir, entry.fileName), force: true }).catch(() => {});
  }
}

/** codex exec's git check, made on the agent's host through `fs/getMetadata`. */
export async function requireRemoteGitRepository(server: AppServer, cwd: string): Promise<void> {
  const kind = async (target: string): Promise<"file" | "directory" | null> => {
    const meta = await server.call("fs/getMetadata", { path: target }, Metadata).catch(notFound);
    return meta?.isFile ? "file" : meta?.isDirectory ? "directory" : null;
  };
  if ((await findGitRootWith(cwd, kind, hostPath(server))) === null) throw untrustedDirectoryError(cwd);
}
