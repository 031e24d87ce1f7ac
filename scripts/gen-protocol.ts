/**
 * Regenerates `src/transport/app-server/protocol/generated/` from the pinned codex binary.
 * Run after bumping `@openai/codex` (`npm run gen:protocol`), then fix whatever typecheck reports;
 * `test/integration/app-server/protocol.test.ts` fails until the committed folder matches.
 */
import path from "node:path";
import { GENERATED_DIR, renderProtocol, writeProtocol } from "./protocol-gen-lib.js";

const output = renderProtocol();
writeProtocol(GENERATED_DIR, output);
const bytes = [...output.files.values()].reduce((sum, content) => sum + Buffer.byteLength(content), 0);
console.log(
  `wrote ${output.files.size} files (${(bytes / 1024).toFixed(0)} KiB) from codex ${output.version} to ${path.relative(process.cwd(), GENERATED_DIR)}`,
);
