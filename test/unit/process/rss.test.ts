/** Reading a process's resident memory without blocking: Linux's /proc, `ps` elsewhere, nothing on Windows. */
import { describe, expect, it } from "vitest";
import { processRssBytes } from "../../../src/process/rss.js";

describe("processRssBytes", () => {
  it.runIf(process.platform !== "win32")("reads this process's resident memory, within what Node itself reports", async () => {
    const rss = await processRssBytes(process.pid);
    expect(rss).toBeGreaterThan(10 * 1024 * 1024);
    expect(rss!).toBeLessThan(4 * process.memoryUsage().rss);
  });

  it.runIf(process.platform !== "win32")("reads it through ps as on macOS", async () => {
    expect(await processRssBytes(process.pid, "darwin")).toBeGreaterThan(10 * 1024 * 1024);
  });

  it("is null for a process that is gone, and on Windows", async () => {
    expect(await processRssBytes(2 ** 22 + 12_345)).toBeNull();
    expect(await processRssBytes(process.pid, "win32")).toBeNull();
  });
});
