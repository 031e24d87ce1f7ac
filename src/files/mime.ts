/**
 * MIME types: sniffed from the first bytes for the formats codex sends to the model as images (and
 * a few others worth naming), else from the file name, else text when the bytes are UTF-8 text.
 */

/** How many leading bytes detection looks at. */
export const SNIFF_BYTES = 4096;

const BY_EXTENSION: Record<string, string> = {
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  gif: "image/gif",
  webp: "image/webp",
  svg: "image/svg+xml",
  bmp: "image/bmp",
  pdf: "application/pdf",
  json: "application/json",
  txt: "text/plain",
  md: "text/markdown",
  csv: "text/csv",
  html: "text/html",
  xml: "application/xml",
  yaml: "application/yaml",
  yml: "application/yaml",
  js: "text/javascript",
  mjs: "text/javascript",
  ts: "text/x-typescript",
  py: "text/x-python",
  zip: "application/zip",
  gz: "application/gzip",
  tar: "application/x-tar",
};

/** Images codex sends to the model as images; anything else is attached as a file mention. */
const MODEL_IMAGES = new Set(["image/png", "image/jpeg", "image/gif", "image/webp"]);

/** The MIME type of content starting with `head`, named `name`. */
export function detectMimeType(head: Uint8Array, name: string): string {
  const sniffed = sniff(head);
  if (sniffed) return sniffed;
  const extension = /\.([a-z0-9]+)$/i.exec(name)?.[1]?.toLowerCase();
  if (extension && BY_EXTENSION[extension]) return BY_EXTENSION[extension];
  return looksLikeText(head) ? "text/plain" : "application/octet-stream";
}

/** True for the image formats the model takes as images. */
export function isModelImage(mimeType: string): boolean {
  return MODEL_IMAGES.has(mimeType);
}

function sniff(b: Uint8Array): string | null {
  const starts = (...bytes: number[]): boolean => bytes.every((byte, i) => b[i] === byte);
  if (starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return "image/png";
  if (starts(0xff, 0xd8, 0xff)) return "image/jpeg";
  if (starts(0x47, 0x49, 0x46, 0x38)) return "image/gif";
  if (starts(0x52, 0x49, 0x46, 0x46) && b[8] === 0x57 && b[9] === 0x45 && b[10] === 0x42 && b[11] === 0x50) return "image/webp";
  if (starts(0x25, 0x50, 0x44, 0x46, 0x2d)) return "application/pdf";
  if (starts(0x50, 0x4b, 0x03, 0x04)) return "application/zip";
  if (starts(0x1f, 0x8b)) return "application/gzip";
  return null;
}

/** No NUL byte and valid UTF-8 (a sequence cut at the end of `head` is allowed). */
function looksLikeText(head: Uint8Array): boolean {
  if (head.length === 0) return true;
  if (head.includes(0)) return false;
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(head.subarray(0, trimIncomplete(head)));
    return true;
  } catch {
    return false;
  }
}

/** The length of `head` without a UTF-8 sequence cut off at its end. */
function trimIncomplete(head: Uint8Array): number {
  for (let back = 1; back <= 3 && back <= head.length; back++) {
    const byte = head[head.length - back]!;
    if ((byte & 0xc0) === 0x80) continue; // continuation byte: keep looking for the lead
    const need = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return need > back ? head.length - back : head.length;
  }
  return head.length;
}

/** The usual extension for a MIME type (for bytes staged without a name), or "". */
export function extensionFor(mimeType: string): string {
  const extension = Object.entries(BY_EXTENSION).find(([, type]) => type === mimeType)?.[0];
  return extension ? `.${extension}` : "";
}
