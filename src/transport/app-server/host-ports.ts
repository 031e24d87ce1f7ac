/**
 * The ports `files/` uses, over one app-server connection: the host's file system (`fs/*`) and
 * codex's attachment store (`thread/attachment/*`). The answers codexkit relies on are checked
 * here, at the wire: "no such path" (and, for reads, "cannot read") becomes the port's "no"; a
 * method the host lacks, any other host error and a broken connection reject.
 */
import path from "node:path";
import { RpcError } from "../../errors/index.js";
import { METHOD_NOT_FOUND } from "../../jsonrpc/index.js";
import type { AttachmentRecord, AttachmentRecordStore, HostFileSystem } from "../../files/index.js";
import { array, boolean, nullish, number, object, oneOf, optional, string, unknown, type Infer } from "../../shape.js";
import type { AppServer } from "./server.js";

const Metadata = object({ isFile: boolean, isDirectory: boolean, isSymlink: optional(boolean), modifiedAtMs: optional(number) });
const FileData = object({ dataBase64: string });
const DirectoryEntries = object({ entries: array(object({ fileName: string })) });

const Attachment = object({
  id: string,
  attachmentType: string,
  identityKey: string,
  payload: unknown,
  createdAt: number,
});
const AddResult = object({ outcome: oneOf(["created", "existing"]), attachment: Attachment });
const ListResult = object({ data: array(Attachment), nextCursor: nullish(string) });
const OwnerResult = object({ data: array(object({ threadId: string, archived: boolean })), nextCursor: nullish(string) });

/** An attachment record as the store gives it: the fields it names, not whatever else codex sent. */
function attachmentOf({ id, attachmentType, identityKey, payload, createdAt }: Infer<typeof Attachment>): AttachmentRecord {
  return { id, attachmentType, identityKey, payload, createdAt };
}

/** One port per connection: what files/ remembers of a host is remembered per port object. */
const ports = new WeakMap<AppServer, HostFileSystem>();

/**
 * codex reports a file-system failure as an internal error whose message is the OS error's
 * ("No such file or directory (os error 2)"; on Windows "The system cannot find the file/path
 * specified. (os error 2/3)"); a parent that is a file ("Not a directory") means no such path too.
 */
const NO_SUCH_PATH = /no such file or directory|cannot find the (file|path) specified|not a directory|\(os error 2\)/i;

/** The host said the path is not there: null. Any other error (method not found, permission denied, a broken connection) rejects as it is. */
function notFound(error: unknown): null {
  if (error instanceof RpcError && error.rpcCode !== METHOD_NOT_FOUND && NO_SUCH_PATH.test(error.message)) return null;
  throw error;
}

/** The host's answer was an error (no such file, not readable): null. A missing method or anything else rejects. */
function unreadable(error: unknown): null {
  if (error instanceof RpcError && error.rpcCode !== METHOD_NOT_FOUND) return null;
  throw error;
}

/** The file system of the machine `server` runs on (the same object for the same connection). */
export function hostFiles(server: AppServer): HostFileSystem {
  let port = ports.get(server);
  if (port) return port;
  port = {
    paths: server.host.platformFamily === "windows" ? path.win32 : path.posix,
    codexHome: server.host.codexHome,
    getMetadata: async (target) => {
      const meta = await server.call("fs/getMetadata", { path: target }, Metadata).catch(notFound);
      return meta === null ? null : { isFile: meta.isFile, isDirectory: meta.isDirectory, isSymlink: meta.isSymlink, modifiedAtMs: meta.modifiedAtMs };
    },
    readFile: async (target, options) => {
      const data = await server.call("fs/readFile", { path: target }, FileData, options).catch(unreadable);
      return data === null ? null : Buffer.from(data.dataBase64, "base64");
    },
    writeFile: async (target, data, options) => {
      await server.call("fs/writeFile", { path: target, dataBase64: Buffer.from(data).toString("base64") }, undefined, options);
    },
    copy: async (source, destination) => {
      await server.call("fs/copy", { sourcePath: source, destinationPath: destination });
    },
    remove: async (target) => {
      await server.call("fs/remove", { path: target, force: true });
    },
    readDirectory: async (dir) => {
      const listing = await server.call("fs/readDirectory", { path: dir }, DirectoryEntries).catch(unreadable);
      return listing === null ? null : listing.entries.map((entry) => entry.fileName);
    },
    mkdir: async (dir) => {
      await server.call("fs/createDirectory", { path: dir, recursive: true });
    },
  };
  ports.set(server, port);
  return port;
}

/** codex's attachment store, through `server`. */
export function attachmentRecords(server: AppServer): AttachmentRecordStore {
  return {
    add: async (record) => (await server.call("thread/attachment/add", record, AddResult)).outcome,
    list: async (threadId, cursor) => {
      const result = await server.call("thread/attachment/list", { threadId, ...(cursor ? { cursor } : {}) }, ListResult);
      return { items: result.data.map(attachmentOf), nextCursor: result.nextCursor };
    },
    owners: async (attachmentType, identityKey, cursor) => {
      const result = await server.call("thread/attachmentOwner/list", { attachmentType, identityKey, ...(cursor ? { cursor } : {}) }, OwnerResult);
      return { items: result.data.map(({ threadId, archived }) => ({ threadId, archived })), nextCursor: result.nextCursor };
    },
  };
}
