/**
 * codex's apply_patch format, and the shell heredoc that makes codex apply a patch when a model
 * runs `apply_patch` through `exec_command` (how codex edits files for models it has no native
 * apply_patch tool for).
 */

/** One file for `buildPatch`/`applyPatch`: add it with `content`, or delete it. */
export type PatchFile =
  | {
      /** The file to add. */
      path: string;
      /** The new file's content. */
      content: string;
      /** Add the file (the default). */
      kind?: "add";
    }
  | {
      /** The file to delete. */
      path: string;
      /** Delete the file. */
      kind: "delete";
    };

/**
 * Patch text in codex's apply_patch format (`*** Begin Patch` ... `*** End Patch`). Added files
 * list every line prefixed with `+`; codex ends each added line with a newline, so `"hi"` and
 * `"hi\n"` both produce a file holding `hi\n`.
 */
export function buildPatch(files: PatchFile | readonly PatchFile[]): string {
  const list: readonly PatchFile[] = Array.isArray(files) ? files : [files as PatchFile];
  const lines = ["*** Begin Patch"];
  for (const file of list) {
    if (file.kind === "delete") {
      lines.push(`*** Delete File: ${file.path}`);
      continue;
    }
    lines.push(`*** Add File: ${file.path}`);
    const body = file.content.endsWith("\n") ? file.content.slice(0, -1) : file.content;
    if (file.content !== "") for (const line of body.split("\n")) lines.push(`+${line}`);
  }
  lines.push("*** End Patch");
  return lines.join("\n");
}

/** `apply_patch <<'EOF' ... EOF` for patch text, adding `*** Begin Patch`/`*** End Patch` when missing. */
export function applyPatchCommand(patch: string): string {
  let text = patch.replace(/\n+$/, "");
  if (!text.startsWith("*** Begin Patch")) text = `*** Begin Patch\n${text}\n*** End Patch`;
  const delimiter = heredocDelimiter(text);
  return `apply_patch <<'${delimiter}'\n${text}\n${delimiter}`;
}

/** `EOF`, unless the patch has a line that would end the heredoc early. */
function heredocDelimiter(text: string): string {
  const lines = new Set(text.split("\n"));
  let delimiter = "EOF";
  for (let n = 1; lines.has(delimiter); n++) delimiter = `EOF_${n}`;
  return delimiter;
}
