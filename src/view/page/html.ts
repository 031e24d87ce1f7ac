/**
 * The viewer page: one HTML document with its style and script inline, tagged with a nonce the
 * Content-Security-Policy allows (nothing else runs: no other script, no inline handler, no
 * outside resource). The document holds no data; the script fetches it with the page's token.
 */
import { PAGE_SCRIPT } from "./script.js";
import { PAGE_STYLE } from "./style.js";

/** The page, its inline style and script tagged with `nonce` (base64, no quotes). */
export function pageHtml(nonce: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<link rel="icon" href="data:,">
<title>codexkit view</title>
<style nonce="${nonce}">${PAGE_STYLE}</style>
</head>
<body data-state="loading">
<header class="top"><h1>codexkit view</h1><span id="source"></span><span id="live" data-live="off"></span></header>
<ul id="notes"></ul>
<div class="layout">
<nav id="threads" aria-label="Threads"></nav>
<main id="thread"><p class="empty">Loading…</p></main>
</div>
<script nonce="${nonce}">${PAGE_SCRIPT}</script>
</body>
</html>
`;
}

/** The Content-Security-Policy of the page served with `nonce`. */
export function pagePolicy(nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src 'nonce-${nonce}'`,
    "connect-src 'self'",
    "img-src data:",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join("; ");
}
