// Prints where the pinned codex binary is and its version; fails loudly when npm did not install it.
/* global process */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

const require = createRequire(import.meta.url);

/** Absolute path of the pinned codex binary for this platform. */
export function codexPath() {
  const triple = { "linux-x64": "x86_64-unknown-linux-musl", "linux-arm64": "aarch64-unknown-linux-musl", "darwin-x64": "x86_64-apple-darwin", "darwin-arm64": "aarch64-apple-darwin" }[`${process.platform}-${process.arch}`];
  const pkg = { "linux-x64": "@openai/codex-linux-x64", "linux-arm64": "@openai/codex-linux-arm64", "darwin-x64": "@openai/codex-darwin-x64", "darwin-arm64": "@openai/codex-darwin-arm64" }[`${process.platform}-${process.arch}`];
  const codexRequire = createRequire(require.resolve("@openai/codex/package.json"));
  const root = path.join(path.dirname(codexRequire.resolve(`${pkg}/package.json`)), "vendor", triple);
  const bin = path.join(root, "bin", "codex");
  if (!existsSync(bin)) throw new Error(`codex binary missing at ${bin}`);
  return bin;
}

/** `codex --version` of the pinned binary. */
export function codexVersion() {
  return execFileSync(codexPath(), ["--version"], { encoding: "utf8" }).trim();
}
