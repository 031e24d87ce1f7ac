/**
 * (f) Staging throughput: `codex.files.stage` of a file against a plain copy of the same bytes
 * (`fs.copyFile`, and a streamed copy, which is what staging does besides hashing), and the cost
 * of staging content the store already has (a path it staged before, and the same bytes again).
 * No codex process is involved.
 */
import { randomBytes } from "node:crypto";
import { createReadStream, createWriteStream, mkdtempSync, writeFileSync } from "node:fs";
import { copyFile, rm } from "node:fs/promises";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { FileStore } from "../src/files/index.js";
import { silentLogger } from "../src/logger.js";
import { markdownTable, median, ms, ratio } from "./table.js";

const MIB = 1024 * 1024;

/** Runs the section; `root` holds every directory it makes (removed by the caller). */
export async function stagingThroughput(root: string, repeat: number, progress: (message: string) => void): Promise<string> {
  const dir = mkdtempSync(path.join(root, "files-"));
  const rows: string[][] = [];
  for (const size of [1 * MIB, 64 * MIB]) {
    const source = path.join(dir, `source-${size}.bin`);
    writeFileSync(source, randomBytes(size));
    const times = { stage: [] as number[], copyFile: [] as number[], stream: [] as number[], restagePath: [] as number[], restageBytes: [] as number[] };
    const bytes = randomBytes(size);
    for (let rep = 0; rep < repeat; rep++) {
      const store = new FileStore({ dir: path.join(dir, `store-${size}-${rep}`) }, { logger: silentLogger });
      await store.stage(Buffer.from("warm up the store"));
      let started = performance.now();
      const staged = await store.stage(source);
      times.stage.push(performance.now() - started);
      started = performance.now();
      await store.stage(source);
      times.restagePath.push(performance.now() - started);
      await store.stage(bytes);
      started = performance.now();
      await store.stage(bytes);
      times.restageBytes.push(performance.now() - started);
      const copy = path.join(dir, `copy-${size}-${rep}`);
      started = performance.now();
      await copyFile(source, copy);
      times.copyFile.push(performance.now() - started);
      await rm(copy);
      started = performance.now();
      await pipeline(createReadStream(source), createWriteStream(copy));
      times.stream.push(performance.now() - started);
      await rm(copy);
      await store.remove(staged.id);
      await store.close();
    }
    const mbps = (ms: number): string => `${((size / MIB) / (ms / 1000)).toFixed(0)} MiB/s`;
    const label = `${size / MIB} MiB`;
    rows.push([`${label}: stage (copy + hash + rename)`, ms(median(times.stage)), mbps(median(times.stage)), ratio(median(times.stage), median(times.copyFile)), ratio(median(times.stage), median(times.stream))]);
    rows.push([`${label}: fs.copyFile`, ms(median(times.copyFile)), mbps(median(times.copyFile)), "1.00×", ratio(median(times.copyFile), median(times.stream))]);
    rows.push([`${label}: streamed copy`, ms(median(times.stream)), mbps(median(times.stream)), ratio(median(times.stream), median(times.copyFile)), "1.00×"]);
    rows.push([`${label}: re-stage of a staged path`, ms(median(times.restagePath)), "", ratio(median(times.restagePath), median(times.copyFile)), ""]);
    rows.push([`${label}: re-stage of the same bytes`, ms(median(times.restageBytes)), "", ratio(median(times.restageBytes), median(times.copyFile)), ""]);
    progress(`(f) ${label}: stage ${ms(median(times.stage))}, copyFile ${ms(median(times.copyFile))}`);
  }
  return [
    "## (f) Staging throughput against a plain copy",
    "",
    `Median of ${repeat} per size. Staging a path copies it (the kernel's copy) into a private temp file, hashes the copy, and renames it into place (hashing is most of the difference: the hash alone is the "same bytes" row); a re-stage of an unchanged path reads nothing (the store knows its inode, size and mtime); a re-stage of bytes hashes them and writes nothing.`,
    "",
    markdownTable(["operation", "time (median)", "throughput", "× fs.copyFile", "× streamed copy"], rows),
  ].join("\n");
}
