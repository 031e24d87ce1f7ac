/**
 * Files for an app-server on another machine: a staged file is uploaded into a per-thread
 * directory on the agent's host (`fs/writeFile` to a part file, `fs/copy` into place) and read
 * back and checked against its SHA-256 before a turn uses it. Content the host has already is not
 * sent again, nor read back: a verified copy gets a marker beside its directory that records its
 * hash and modification time, so a later check is one `fs/getMetadata` and a small read (this
 * connection remembers its own). A verified copy elsewhere on the host is copied there instead.
 * A failed upload is an `AttachmentError`, and the part file is removed (or, when the connection
 * died, by the next upload into its directory).
 */
import { createHash, randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { AttachmentError, RpcError } from "../../errors/index.js";
import { safeFileName, type StagedFile } from "../../files/index.js";
import { logEvent } from "../../log-events.js";
import { LruMap } from "../../lru.js";
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

/** A part file another upload made is left alone until it is this old (the longest transfer, with room for clock skew). */
const STALE_PART_MS = 60 * 60_000;
/** `<target>.part-<created, ms base 36>-<random>`: unique per upload, and its age readable by anyone. */
const PART = /\.part-([0-9a-z]+)-[0-9a-f]{12}$/;

/** Uploads in progress, per connection and target: the same file placed twice at once is uploaded once. */
const inFlight = new WeakMap<AppServer, Map<string, Promise<string>>>();
/** Part files of this process whose upload failed and which could not be removed then: removed by the next upload into their directory. */
const abandoned = new LruMap<string, true>(1024);

const Metadata = z.object({ isFile: z.boolean(), isDirectory: z.boolean(), isSymlink: z.boolean().optional(), modifiedAtMs: z.number().optional() });
const Marker = z.object({ v: z.literal(1), sha256: z.string(), modifiedAtMs: z.number() });
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
  if (server.uploaded.get(target)?.sha256 === file.sha256) return Promise.resolve(target);
  let pending = inFlight.get(server);
  if (!pending) inFlight.set(server, (pending = new Map<string, Promise<string>>()));
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
  const part = `${target}.part-${Date.now().toString(36)}-${randomBytes(6).toString("hex")}`;
  const marker = `${dir}.${safeFileName(file.name)}.verified`;
  let copied = false;
  let modifiedAtMs: number | null = null;
  try {
    const there = await verifiedOnHost(server, target, marker, file);
    if (there !== null) {
      server.uploaded.set(target, { sha256: file.sha256, modifiedAtMs: there });
      logEvent(logger, "file.uploaded", { id: file.id, threadId, bytes: 0, existing: true });
      return target;
    }
    await server.call("fs/createDirectory", { path: dir, recursive: true });
    await removeStaleParts(server, dir);
    const elsewhere = server.uploaded.find((upload) => upload.sha256 === file.sha256 && upload.modifiedAtMs > 0);
    const unchanged = elsewhere !== undefined && (await modifiedAt(server, elsewhere[0])) === elsewhere[1].modifiedAtMs;
    // A copy changed on the host since is forgotten, so it neither costs a look again nor hides newer copies.
    if (elsewhere !== undefined && !unchanged) server.uploaded.delete(elsewhere[0]);
    if (elsewhere !== undefined && unchanged) {
      // Verified on the host by this connection and unchanged since: a host-side copy needs no check by content.
      await server.call("fs/copy", { sourcePath: elsewhere[0], destinationPath: target });
      copied = true;
    } else {
      const data = await readFile(file.path);
      await server.call("fs/writeFile", { path: part, dataBase64: data.toString("base64") }, undefined, { timeoutMs: transferTimeout(data.length) });
      await server.call("fs/copy", { sourcePath: part, destinationPath: target });
      await server.call("fs/remove", { path: part, force: true });
      if (!(await hasContent(server, target, file.sha256, file.size))) throw fail("the host's copy does not match the file's SHA-256");
    }
    modifiedAtMs = await modifiedAt(server, target);
    if (modifiedAtMs === null) throw fail("the host's copy is not there");
  } catch (error) {
    // On a dead connection the part file stays: the next upload into this directory removes it.
    await server.call("fs/remove", { path: part, force: true }).catch(() => abandoned.set(part, true));
    if (error instanceof AttachmentError) {
      await server.call("fs/remove", { path: target, force: true }).catch(() => {});
      throw error;
    }
    throw fail((error as Error).message, error);
  }
  if (modifiedAtMs > 0) {
    const record = Buffer.from(JSON.stringify({ v: 1, sha256: file.sha256, modifiedAtMs })).toString("base64");
    // Only a shortcut for later checks: without it the next one uploads again.
    await server.call("fs/writeFile", { path: marker, dataBase64: record }).catch(() => {});
  }
  server.uploaded.set(target, { sha256: file.sha256, modifiedAtMs });
  logEvent(logger, "file.uploaded", { id: file.id, threadId, bytes: copied ? 0 : file.size, existing: copied });
  return target;
}

/**
 * When `target` on the host holds `file` as an earlier upload verified it (its marker names the
 * hash and the file is unchanged since), its modification time; else null. Reads no content,
 * unless the host cannot tell modification times. A failed connection or a timeout rejects.
 */
async function verifiedOnHost(server: AppServer, target: string, marker: string, file: StagedFile): Promise<number | null> {
  const meta = await server.call("fs/getMetadata", { path: target }, Metadata).catch(notFound);
  if (!meta?.isFile || meta.isSymlink === true) return null;
  const modifiedAtMs = meta.modifiedAtMs ?? 0;
  if (modifiedAtMs === 0) return (await hasContent(server, target, file.sha256, file.size)) ? 0 : null;
  const data = await server.call("fs/readFile", { path: marker }, FileData).catch(notFound);
  if (data === null) return null;
  let record: unknown;
  try {
    record = JSON.parse(Buffer.from(data.dataBase64, "base64").toString("utf8"));
  } catch {
    return null;
  }
  const parsed = Marker.safeParse(record);
  return parsed.success && parsed.data.sha256 === file.sha256 && parsed.data.modifiedAtMs === modifiedAtMs ? modifiedAtMs : null;
}

/** When `target` on the host was last modified (0 when the host cannot tell), or null when it is not a file. */
async function modifiedAt(server: AppServer, target: string): Promise<number | null> {
  const meta = await server.call("fs/getMetadata", { path: target }, Metadata).catch(notFound);
  return meta?.isFile ? (meta.modifiedAtMs ?? 0) : null;
}

/**
 * True when `target` on the host is a file with content `sha256` (read back whole); false when it
 * is missing or differs. A failed connection or a timeout is not an answer: it rejects.
 */
async function hasContent(server: AppServer, target: string, sha256: string, size: number): Promise<boolean> {
  const data = await server.call("fs/readFile", { path: target }, FileData, { timeoutMs: transferTimeout(size) }).catch(notFound);
  return data !== null && createHash("sha256").update(Buffer.from(data.dataBase64, "base64")).digest("hex") === sha256;
}

/** The host answered with an error (no such file, not readable): null. Anything else rejects. */
function notFound(error: unknown): null {
  if (error instanceof RpcError) return null;
  throw error;
}

/**
 * Part files in `dir` that are provably stale: this process's own from a failed upload, or any
 * older than an upload can take. A part another upload is writing now is left alone.
 */
async function removeStaleParts(server: AppServer, dir: string): Promise<void> {
  const listing = await server.call("fs/readDirectory", { path: dir }, DirectoryEntries).catch(() => null);
  for (const entry of listing?.entries ?? []) {
    const match = PART.exec(entry.fileName);
    if (!match) continue;
    const part = hostPath(server).join(dir, entry.fileName);
    const ours = abandoned.delete(part);
    if (ours || Date.now() - parseInt(match[1]!, 36) > STALE_PART_MS) await server.call("fs/remove", { path: part, force: true }).catch(() => {});
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
