/** `npm run parity`: runs every parity scenario and prints a report. Exits 1 on any difference. */
import { isDeepStrictEqual } from "node:util";
import { compare, scenarios } from "../test/helpers/parity.js";

let failures = 0;
for (const scenario of scenarios) {
  const { official, codexkit } = await compare(scenario);
  const same = isDeepStrictEqual(official, codexkit);
  if (!same) failures++;
  const types = official.map((e) => e.type).join(", ");
  console.log(`${same ? "SAME" : "DIFF"}  ${scenario.name.padEnd(18)} ${official.length} events (${types})`);
  if (!same) {
    console.log("  official:", JSON.stringify(official));
    console.log("  codexkit:", JSON.stringify(codexkit));
  }
}
console.log(`\n${scenarios.length - failures} of ${scenarios.length} scenarios identical (usage normalized: codexkit reports per-turn usage by design)`);
process.exit(failures === 0 ? 0 : 1);
