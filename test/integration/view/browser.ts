/**
 * The viewer's browser tests drive the system's Chromium (Debian's `chromium` package; `.ci/run`
 * installs it) headless through playwright-core with `executablePath`: nothing downloads a
 * browser. Where no Chromium is found, `browserOnly` skips a test by name, saying why.
 * `CODEXKIT_CHROMIUM` names another executable. Screenshots go to `test-results/view/`.
 */
import { existsSync, mkdirSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type Page } from "playwright-core";
import { it } from "vitest";
import type { Gated } from "../../helpers/platform.js";

/** What to do when Chromium is missing. */
const INSTALL_HINT = "chromium is not installed: install Debian's chromium (apt-get install chromium; .ci/run does), or set CODEXKIT_CHROMIUM";

/** The Chromium executable: `CODEXKIT_CHROMIUM`, else `chromium` or `chromium-browser` on PATH; null when none. */
export const CHROMIUM: string | null = findChromium();

/** `it`, skipped (with the reason in its name) where no Chromium is found. */
export const browserOnly: Gated = (name, fn, timeout) => it.skipIf(CHROMIUM === null)(CHROMIUM !== null ? name : `${name} [skipped: ${INSTALL_HINT}]`, fn, timeout);

/** Where screenshots go. */
export const ARTIFACTS = fileURLToPath(new URL("../../../test-results/view/", import.meta.url));

/** A headless Chromium; close it when done. */
export function launchBrowser(): Promise<Browser> {
  if (CHROMIUM === null) throw new Error(INSTALL_HINT);
  // playwright starts Chromium without its sandbox unless asked (`chromiumSandbox`): CI runs as root.
  return chromium.launch({ executablePath: CHROMIUM, headless: true });
}

/** Saves a screenshot as `test-results/view/<name>.png`: the whole page, or (for a very long one) what the window shows. */
export async function screenshot(page: Page, name: string, fullPage = true): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage });
}

/** Opens `url` and waits until the page has rendered its thread (or said it has none). */
export async function openView(browser: Browser, url: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));
  await page.goto(url);
  await page.waitForSelector("body[data-state=ready]");
  if (errors.length > 0) throw new Error(`the page threw: ${errors.join("; ")}`);
  return page;
}

function findChromium(): string | null {
  const named = process.env.CODEXKIT_CHROMIUM;
  if (named) return isFile(named) ? named : null;
  for (const dir of (process.env.PATH ?? "").split(path.delimiter).filter(Boolean)) {
    for (const name of ["chromium", "chromium-browser"]) {
      const candidate = path.join(dir, name);
      if (isFile(candidate)) return candidate;
    }
  }
  return null;
}

function isFile(file: string): boolean {
  try {
    return existsSync(file) && statSync(file).isFile();
  } catch {
    return false;
  }
}
