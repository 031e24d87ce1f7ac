/**
 * `npm run parity`: runs every parity scenario through @openai/codex-sdk and through both codexkit
 * transports, and prints one table. exec must match the official stream exactly (after the thread
 * id and usage normalization); app-server must match it once its documented additions (token
 * deltas, turn ids, codex's own item ids) are set aside. Exits 1 on any difference.
 */
import { isDeepStrictEqual } from "node:util";
import { compare, compareAppServer, scenarios } from "../test/helpers/parity.js";

const rows: string[][] = [];
const details: string[] = [];
let failures = 0;
for (const scenario of scenarios) {
  const exec = await compare(scenario);
  const appServer = await compareAppServer(scenario);
  const execSame = isDeepStrictEqual(exec.official, exec.codexkit);
  const appSame = isDeepStrictEqual(appServer.official, appServer.appServer);
  if (!execSame) {
    failures++;
    details.push(`${scenario.name} (exec)\n  official: ${JSON.stringify(exec.official)}\n  codexkit: ${JSON.stringify(exec.codexkit)}`);
  }
  if (!appSame) {
    failures++;
    details.push(`${scenario.name} (app-server)\n  official:   ${JSON.stringify(appServer.official)}\n  app-server: ${JSON.stringify(appServer.appServer)}`);
  }
  rows.push([scenario.name, String(exec.official.length), execSame ? "same" : "DIFF", appSame ? "same" : "DIFF"]);
}
const widths = [0, 1, 2, 3].map((i) => Math.max(...[["scenario", "official events", "codexkit exec", "codexkit app-server"], ...rows].map((r) => r[i]!.length)));
const line = (cells: string[]): string => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(" | ")} |`;
console.log(line(["scenario", "official events", "codexkit exec", "codexkit app-server"]));
console.log(`|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`);
for (const row of rows) console.log(line(row));
for (const detail of details) console.log(`\n${detail}`);
console.log(`\n${rows.length * 2 - failures} of ${rows.length * 2} comparisons identical (usage normalized: codexkit reports per-turn usage by design)`);
process.exit(failures === 0 ? 0 : 1);
