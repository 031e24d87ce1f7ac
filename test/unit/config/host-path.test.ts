/**
 * Paths on a remote app-server's host: absolute by the host's rules (its platform family, else
 * the path's form), normalized by those rules only, never this machine's; relative ones refused.
 */
import path from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkRemoteThreadPaths, hostAbsolutePath, hostPathRules, isHostAbsolute, threadAdditionalDirectories, threadCwd } from "../../../src/config/index.js";
import { InvalidOptionsError } from "../../../src/errors/index.js";
import type { CodexOptions } from "../../../src/options/index.js";

const REMOTE: CodexOptions = { appServer: { url: "ws://127.0.0.1:1" } };

describe("host paths", () => {
  it.each<[string, string | null, string]>([
    ["C:\\repo", null, "C:\\repo"],
    ["C:\\repo", "unix", "C:\\repo"],
    ["C:\\repo", "windows", "C:\\repo"],
    ["C:/repo/sub/../x/", null, "C:\\repo\\x"],
    ["\\\\server\\share\\dir\\", null, "\\\\server\\share\\dir"],
    ["\\\\server\\share\\", "windows", "\\\\server\\share\\"],
    ["C:\\", null, "C:\\"],
    ["/home/x", null, "/home/x"],
    ["/home/x", "unix", "/home/x"],
    ["/home/x/./y/../", null, "/home/x"],
    ["/home/x", "windows", "\\home\\x"],
    ["/", "unix", "/"],
    ["/srv/a\\b", "unix", "/srv/a\\b"],
  ])("%s on a host of family %s is %s", (value, family, expected) => {
    expect(hostAbsolutePath(value, "must be absolute", family)).toBe(expected);
  });

  it.each(["relative/dir", "repo", ".", "C:repo", "", undefined])("refuses %j with InvalidOptionsError, keeping the message", (value) => {
    expect(() => hostAbsolutePath(value, "needs an absolute path on the agent's host")).toThrow(InvalidOptionsError);
    expect(() => hostAbsolutePath(value, "needs an absolute path on the agent's host")).toThrow(/needs an absolute path on the agent's host \(got /);
  });

  it("picks the rules of the path's form when the family is unknown or does not fit the path", () => {
    expect(hostPathRules("C:\\x")).toBe(path.win32);
    expect(hostPathRules("\\\\s\\share")).toBe(path.win32);
    expect(hostPathRules("/x")).toBe(path.posix);
    expect(hostPathRules("/x", "windows")).toBe(path.win32);
    expect(hostPathRules("C:\\x", "unix")).toBe(path.win32);
    expect(isHostAbsolute(5)).toBe(false);
  });

  it("normalizing is idempotent and never consults this machine's working directory", () => {
    const segment = fc.stringMatching(/^[a-z.]{1,4}$/);
    const hostPath = fc.oneof(
      fc.array(segment, { maxLength: 5 }).map((parts) => `/${parts.join("/")}`),
      fc.array(segment, { maxLength: 5 }).map((parts) => `D:\\${parts.join("\\")}`),
    );
    fc.assert(
      fc.property(hostPath, fc.constantFrom(null, "unix", "windows"), (value, family) => {
        const once = hostAbsolutePath(value, "x", family);
        expect(hostAbsolutePath(once, "x", family)).toBe(once);
        expect(once).not.toContain(process.cwd());
        expect(isHostAbsolute(once)).toBe(true);
      }),
    );
  });
});

describe("a thread's paths", () => {
  it("here: the working directory from process.cwd(), additional directories from it", () => {
    const cwd = threadCwd({ workingDirectory: "work" });
    expect(cwd).toBe(path.resolve("work"));
    expect(threadAdditionalDirectories({ additionalDirectories: ["extra", "/abs"] }, cwd)).toEqual([path.join(cwd, "extra"), "/abs"]);
  });

  it("on a remote app-server: the host's paths, unchanged by this machine's rules", () => {
    const thread = { workingDirectory: "C:\\repo", additionalDirectories: ["D:\\data", "/srv/data"] };
    expect(threadCwd(thread, REMOTE)).toBe("C:\\repo");
    expect(threadAdditionalDirectories(thread, "C:\\repo", REMOTE)).toEqual(["D:\\data", "/srv/data"]);
    expect(threadCwd({ workingDirectory: "/home/x" }, REMOTE, "unix")).toBe("/home/x");
  });

  it("on a remote app-server: a missing or relative working directory or additional directory is refused", () => {
    expect(() => threadCwd({}, REMOTE)).toThrow(/needs workingDirectory: an absolute path on the agent's host/);
    expect(() => threadCwd({ workingDirectory: "repo" }, REMOTE)).toThrow(InvalidOptionsError);
    expect(() => checkRemoteThreadPaths({ workingDirectory: "/repo", additionalDirectories: ["extra"] }, REMOTE)).toThrow(/additionalDirectories .* absolute paths on the agent's host/);
    expect(() => checkRemoteThreadPaths({ workingDirectory: "/repo", additionalDirectories: ["E:\\x"] }, REMOTE)).not.toThrow();
    expect(() => checkRemoteThreadPaths({ additionalDirectories: ["extra"] }, {})).not.toThrow();
  });
});
