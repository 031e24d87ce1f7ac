/** `appServer` options are checked at `new Codex()`: local bounds and remote settings never mix. */
import { describe, expect, it } from "vitest";
import { Codex, InvalidOptionsError, type CodexOptions } from "../../src/index.js";

describe("appServer options", () => {
  it.each<[string, CodexOptions["appServer"], RegExp]>([
    ["a fractional maxThreads", { maxThreads: 1.5 }, /appServer.maxThreads must be a whole number from 1 to 10000/],
    ["maxThreads 0", { maxThreads: 0 }, /appServer.maxThreads must be a whole number from 1 to 10000/],
    ["maxThreads past the remembered threads", { maxThreads: 10_001 }, /from 1 to 10000/],
    ["a negative maxRssMb", { maxRssMb: -1 }, /appServer.maxRssMb must be a whole number/],
    ["maxThreads with a url", { url: "ws://127.0.0.1:1", maxThreads: 10 }, /bounds the app-server codexkit spawns; it does not apply with appServer.url/],
    ["a token without a url", { token: "abcdefgh" }, /appServer.token needs appServer.url/],
    ["an uploadDir without a url", { uploadDir: "/x" }, /appServer.uploadDir needs appServer.url/],
  ])("refuses %s with InvalidOptionsError", (_name, appServer, message) => {
    expect(() => new Codex({ appServer })).toThrow(InvalidOptionsError);
    expect(() => new Codex({ appServer })).toThrow(message);
  });

  it("takes local bounds, and refuses them on exec", async () => {
    const codex = new Codex({ appServer: { maxThreads: 100, maxRssMb: 2048 } });
    await codex.close();
    expect(() => new Codex({ transport: "exec", appServer: { maxThreads: 100 } })).toThrow(/needs the app-server transport/);
  });
});
