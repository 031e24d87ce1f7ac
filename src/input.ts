/** Normalizes `Input` into what the transports send. */
import { InvalidOptionsError } from "./errors/index.js";
import type { Input, UserInput } from "./options/index.js";
import type { StagedFile } from "./files/index.js";

/** Input split by kind, order kept within each kind. */
export interface NormalizedInput {
  /** Text parts joined by blank lines (the official SDK's rule). */
  prompt: string;
  /** The parts in their original order, for transports that take structured input. */
  parts: UserInput[];
  /** Local image paths. */
  images: string[];
  /** Remote image URLs. */
  imageUrls: string[];
  /** Local file paths to mention. */
  files: string[];
  /** The staged files the input attaches, as given (a file or its id); the turn layer resolves them. */
  attachmentRefs: Array<StagedFile | string>;
  /**
   * The attached files once resolved by the turn layer: each is also in `images` (model images)
   * or `files` (mentions) by its path in the store; a transport that runs codex elsewhere uploads them.
   */
  attachments: StagedFile[];
}

/** Validates and splits `input`; bad shapes get an `InvalidOptionsError`. */
export function normalizeInput(input: Input): NormalizedInput {
  if (typeof input === "string") return { prompt: input, parts: [{ type: "text", text: input }], images: [], imageUrls: [], files: [], attachmentRefs: [], attachments: [] };
  if (!Array.isArray(input)) throw new InvalidOptionsError("input must be a string or an array of inputs");
  const texts: string[] = [];
  const out: NormalizedInput = { prompt: "", parts: [], images: [], imageUrls: [], files: [], attachmentRefs: [], attachments: [] };
  input.forEach((part, index) => {
    const where = `input[${index}]`;
    if (part === null || typeof part !== "object") throw new InvalidOptionsError(`${where} must be an object`);
    switch (part.type) {
      case "text":
        requireString(part.text, `${where}.text`);
        texts.push(part.text);
        break;
      case "local_image":
        requireString(part.path, `${where}.path`);
        out.images.push(part.path);
        break;
      case "image":
        requireString(part.url, `${where}.url`);
        out.imageUrls.push(part.url);
        break;
      case "file":
        requireString(part.path, `${where}.path`);
        out.files.push(part.path);
        break;
      case "attachment": {
        const file = part.file as unknown;
        const id = typeof file === "string" ? file : (file as { id?: unknown } | null)?.id;
        if (typeof id !== "string" || id.length === 0) throw new InvalidOptionsError(`${where}.file must be a staged file (from codex.files.stage) or its id`);
        out.attachmentRefs.push(part.file);
        break;
      }
      default:
        throw new InvalidOptionsError(`${where} has unknown type ${JSON.stringify((part as { type?: unknown }).type)}`);
    }
    out.parts.push(part);
  });
  out.prompt = texts.join("\n\n");
  return out;
}

function requireString(value: unknown, where: string): void {
  if (typeof value !== "string") throw new InvalidOptionsError(`${where} must be a string`);
}

/** The text parts, then `@<path>` for each attached file: the text both transports send. */
export function promptWithMentions(input: NormalizedInput): string {
  const mentions = input.files.map((file) => `@${file}`);
  return mentions.length === 0 ? input.prompt : [input.prompt, mentions.join(" ")].filter(Boolean).join("\n\n");
}
