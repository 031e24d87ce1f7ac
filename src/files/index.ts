/** Staged files and attachments: the only door to `src/files/`. */
export { FileStore, safeFileName } from "./store.js";
export { detectMimeType, isModelImage } from "./mime.js";
export type { AttachmentInput, FileOwner, FilesOptions, StagedFile, StageOptions, StageSource, ThreadAttachment } from "./types.js";
export { CodexFiles, type FilesHost } from "./client.js";
export type { AttachmentRecord, AttachmentRecordStore, HostEntry, HostFileSystem, HostTransferOptions, NewAttachmentRecord, RecordPage } from "./host-ports.js";
export { attachmentOwners, listAttachments, recordAttachments } from "./attachment-records.js";
export { placeOnHost, uploadRoot } from "./remote-upload.js";
export type { JournaledRecord, RecordJournal } from "./pending-records.js";
