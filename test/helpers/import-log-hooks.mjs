/**
 * Module hooks for a child script (registered with `--import`): every package a codexkit source
 * file imports (a bare specifier whose importer is under `src/`) is appended, one per line, to
 * the file named by CODEXKIT_IMPORT_LOG. Dynamic `import()`s count too: that is the point.
 */
import { appendFileSync } from "node:fs";
import process from "node:process";

export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  const log = process.env.CODEXKIT_IMPORT_LOG;
  if (log && context.parentURL?.includes("/src/") && !specifier.startsWith(".") && !specifier.startsWith("node:")) appendFileSync(log, `${specifier}\n`);
  return result;
}
