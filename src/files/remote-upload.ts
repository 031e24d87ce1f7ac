/**
 * Files for codex on another machine: a staged file is uploaded into a per-thread directory on
 * the agent's host (written to a part file, copied into place) and read back and checked against
 * its SHA-256 before a turn uses it. Content the host has already is not sent again, nor read
 * back: a verified copy gets a marker beside its directory that records its hash and modification
 * time, so a later check is one metadata look and a small read (each connection remembers its
 * own). A verified copy elsewhere on the host is copied there instead. A failed upload is an
 * `AttachmentError`, and the part file is removed (or, when the connection died, by the next
 * upload into its directory). The host is reached through a `HostFileSystem` port.
 */
import { createHash, randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import { fits, literal, number, object, string } from "../shape.js";
import { AttachmentError } from "../errors/index.js";
import { logEvent } from "../log-events.js";
import { LruMap } from "../lru.js";
import type { Logger } from "../logger.js";
import { safeFileName } from "./blob.js";
import type { HostFileSystem } from "./host-ports.js";
import type { StagedFile } from "./types.js";

/** The largest file sent to a remote host (one message carries it, base64). */
const UPLOAD_MAX_BYTES = 128 * 1024 * 1024;
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
/** How many verified uploads each connection remembers. */
const REMEMBERED_UPLOADS = 1024;

/** A copy on the host this connection verified: its content, and its modification time then (0: the host cannot tell). */
interface VerifiedCopy {
  sha256: string;
  modifiedAtMs: number;
}

/** Uploads each connection (port) verified on the host, by target path; the most recent only. */
const verified = new WeakMap<HostFileSystem, LruMap<string, VerifiedCopy>>();
/** Uploads in progress, per connection and target: the same file placed twice at once is uploaded once. */
const inFlight = new WeakMap<HostFileSystem, Map<string, Promise<string>>>();
/** Part files of this process whose upload failed and which could not be removed then: removed by the next upload into their directory. */
const abandoned = new LruMap<string, true>(1024);

const Marker = object({ v: literal(1), sha256: string, modifiedAtMs: number });

/** The upload root: `uploadDir`, else `codexkit-uploads` in the host's CODEX_HOME. */
export function uploadRoot(host: HostFileSystem, uploadDir: string | undefined): string {
  if (uploadDir) return uploadDir;
  if (host.codexHome) return host.paths.join(host.codexHome, "codexkit-uploads");
  throw new AttachmentError("the app-server did not say where its CODEX_HOME is; set appServer.uploadDir", "");
}

/** Puts `file` on the host for `threadId` and returns its path there, verified. */
export function placeOnHost(host: HostFileSystem, root: string, threadId: string, file: StagedFile, logger: Logger): Promise<string> {
  const p = host.paths;
  const dir = p.join(root, threadId, file.sha256);
  const target = p.join(dir, safeFileName(file.name));
  if (memoryOf(host).get(target)?.sha256 === file.sha256) return Promise.resolve(target);
  let pending = inFlight.get(host);
  if (!pending) inFlight.set(host, (pending = new Map<string, Promise<string>>()));
  const running = pending.get(target);
  if (running) return running;
  const uploading = upload(host, dir, target, threadId, file, logger).finally(() => pending.delete(target));
  pending.set(target, uploading);
  return uploading;
}

function memoryOf(host: HostFileSystem): LruMap<string, VerifiedCopy> {
  let memory = verified.get(host);
  if (!memory) verified.set(host, (memory = new LruMap<string, VerifiedCopy>(REMEMBERED_UPLOADS)));
  return memory;
}

async function upload(host: HostFileSystem, dir: string, target: string, threadId: string, file: StagedFile, logger: Logger): Promise<string> {
  const fail = (why: string, cause?: unknown): AttachmentError =>
    new AttachmentError(`uploading ${file.name} (${file.id}) to codex app-server's host failed: ${why}`, file.path, cause === undefined ? undefined : { cause });
  if (file.size > UPLOAD_MAX_BYTES) throw fail(`it is ${file.size} bytes, over the ${UPLOAD_MAX_BYTES}-byte limit of one upload`);
  const memory = memoryOf(host);
  const part = `${target}.part-${Date.now().toString(36)}-${randomBytes(6).toString("hex")}`;
  const marker = `${dir}.${safeFileName(file.name)}.verified`;
  let copied = false;
  let modifiedAtMs: number | null = null;
  try {
    const there = await verifiedOnHost(host, target, marker, file);
    if (there !== null) {
      memory.set(target, { sha256: file.sha256, modifiedAtMs: there });
      logEvent(logger, "file.uploaded", { id: file.id, threadId, bytes: 0, existing: true });
      return target;
    }
    await host.mkdir(dir);
    await removeStaleParts(host, dir);
    const elsewhere = memory.find((upload) => upload.sha256 === file.sha256 && upload.modifiedAtMs > 0);
    const unchanged = elsewhere !== undefined && (await modifiedAt(host, elsewhere[0])) === elsewhere[1].modifiedAtMs;
    // A copy changed on the host since is forgotten, so it neither costs a look again nor hides newer copies.
    if (elsewhere !== undefined && !unchanged) memory.delete(elsewhere[0]);
    if (elsewhere !== undefined && unchanged) {
      // Verified on the host by this connection and unchanged since: a host-side copy needs no check by content.
      await host.copy(elsewhere[0], target);
      copied = true;
    } else {
      const data = await readFile(file.path);
      await host.writeFile(part, data, { timeoutMs: transferTimeout(data.length) });
      await host.copy(part, target);
      await host.remove(part);
      if (!(await hasContent(host, target, file.sha256, file.size))) throw fail("the host's copy does not match the file's SHA-256");
    }
    modifiedAtMs = await modifiedAt(host, target);
    if (modifiedAtMs === null) throw fail("the host's copy is not there");
  } catch (error) {
    // On a dead connection the part file stays: the next upload into this directory removes it.
    await host.remove(part).catch(() => abandoned.set(part, true));
    if (error instanceof AttachmentError) {
      await host.remove(target).catch(() => {});
      throw error;
    }
    throw fail((error as Error).message, error);
  }
  if (modifiedAtMs > 0) {
    const record = Buffer.from(JSON.stringify({ v: 1, sha256: file.sha256, modifiedAtMs }));
    // Only a shortcut for later checks: without it the next one uploads again.
    await host.writeFile(marker, record).catch(() => {});
  }
  memory.set(target, { sha256: file.sha256, modifiedAtMs });
  logEvent(logger, "file.uploaded", { id: file.id, threadId, bytes: copied ? 0 : file.size, existing: copied });
  return target;
}

/**
 * When `target` on the host holds `file` as an earlier upload verified it (its marker names the
 * hash and the file is unchanged since), its modification time; else null. Reads no content,
 * unless the host cannot tell modification times. A failed connection or a timeout rejects.
 */
async function verifiedOnHost(host: HostFileSystem, target: string, marker: string, file: StagedFile): Promise<number | null> {
  const meta = await host.getMetadata(target);
  if (!meta?.isFile || meta.isSymlink === true) return null;
  const modifiedAtMs = meta.modifiedAtMs ?? 0;
  if (modifiedAtMs === 0) return (await hasContent(host, target, file.sha256, file.size)) ? 0 : null;
  const data = await host.readFile(marker);
  if (data === null) return null;
  let record: unknown;
  try {
    record = JSON.parse(data.toString("utf8"));
  } catch {
    return null;
  }
  return fits(Marker, record) && record.sha256 === file.sha256 && record.modifiedAtMs === modifiedAtMs ? modifiedAtMs : null;
}

/** When `target` on the host was last modified (0 when the host cannot tell), or null when it is not a file. */
async function modifiedAt(host: HostFileSystem, target: string): Promise<number | null> {
  const meta = await host.getMetadata(target);
  return meta?.isFile ? (meta.modifiedAtMs ?? 0) : null;
}

/**
 * True when `target` on the host is a file with content `sha256` (read back whole); false when it
 * is missing or differs. A failed connection or a timeout is not an answer: it rejects.
 */
async function hasContent(host: HostFileSystem, target: string, sha256: string, size: number): Promise<boolean> {
  const data = await host.readFile(target, { timeoutMs: transferTimeout(size) });
  return data !== null && createHash("sha256").update(data).digest("hex") === sha256;
}

/**
 * Part files in `dir` that are provably stale: this process's own from a failed upload, or any
 * older than an upload can take. A part another upload is writing now is left alone.
 */
async function removeStaleParts(host: HostFileSystem, dir: string): Promise<void> {
  const names = await host.readDirectory(dir).catch(() => null);
  for (const name of names ?? []) {
    const match = PART.exec(name);
    if (!match) continue;
    const part = host.paths.join(dir, name);
    const ours = abandoned.delete(part);
    if (ours || Date.now() - parseInt(match[1]!, 36) > STALE_PART_MS) await host.remove(part).catch(() => {});
  }
}
