/**
 * The viewer's server on its own (no codex, no browser): loopback only, the token on every
 * request, the page's security headers, the JSON API redacted, live updates over SSE, and a close
 * that leaves nothing open.
 */
import http from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { InvalidOptionsError, Redactor } from "../../../src/errors/index.js";
import type { ThreadEvent } from "../../../src/index.js";
import { LiveSource, ViewServer } from "../../../src/view/index.js";

const SECRET = "hunter2-is-my-password";

let server: ViewServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(): Promise<{ server: ViewServer; source: LiveSource }> {
  const source = new LiveSource();
  server = await ViewServer.start({ source, redactor: new Redactor().add(SECRET) });
  return { server, source };
}

function feed(source: LiveSource, threadId: string, events: ThreadEvent[]): void {
  for (const event of events) source.observe(event, { threadId, prompt: `prompt with ${SECRET}`, transport: "app-server" });
}

/** A GET with full control of the path and Host header; resolves with status, headers and body. */
function get(port: number, path: string, host = `127.0.0.1:${port}`, method = "GET"): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port, path, method, headers: { host }, agent: false }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

function tokenOf(view: ViewServer): string {
  return new URL(view.url).searchParams.get("token")!;
}

describe("ViewServer", () => {
  it("listens on 127.0.0.1 and refuses a request without its token, with a wrong one, or for another host", async () => {
    const { server: view } = await start();
    expect(view.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{32}$/);
    const token = tokenOf(view);
    for (const path of ["/", "/api/threads", "/api/thread?id=x", "/api/events", `/?token=${token}x`, `/?token=${token.slice(1)}`]) {
      const res = await get(view.port, path);
      expect(res.status, path).toBe(403);
      expect(res.body).toContain("token is missing or wrong");
      expect(res.body).not.toContain(token);
    }
    // A page of another site that resolves its own name to 127.0.0.1 (DNS rebinding) is refused too.
    expect((await get(view.port, `/?token=${token}`, "evil.example:80")).status).toBe(403);
    expect((await get(view.port, `/?token=${token}`, `localhost:${view.port}`)).status).toBe(200);
    expect((await get(view.port, `/?token=${token}`, undefined, "POST")).status).toBe(405);
    expect((await get(view.port, `/nothing?token=${token}`)).status).toBe(404);
  });

  it("serves the page with a nonce-only Content-Security-Policy and no caching", async () => {
    const { server: view } = await start();
    const res = await get(view.port, `/?token=${tokenOf(view)}`);
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(res.headers["cache-control"]).toBe("no-store");
    expect(res.headers["referrer-policy"]).toBe("no-referrer");
    const policy = String(res.headers["content-security-policy"]);
    const nonce = /script-src 'nonce-([^']+)'/.exec(policy)?.[1];
    expect(nonce).toBeTruthy();
    expect(policy).toContain("default-src 'none'");
    expect(res.body).toContain(`<script nonce="${nonce}">`);
    // Each page gets its own nonce.
    const again = await get(view.port, `/?token=${tokenOf(view)}`);
    expect(again.headers["content-security-policy"]).not.toContain(nonce);
  });

  it("answers the JSON API with redacted threads", async () => {
    const { server: view, source } = await start();
    feed(source, "t1", [
      { type: "thread.started", thread_id: "t1" },
      { type: "turn.started" },
      { type: "item.completed", item: { id: "m", type: "agent_message", text: `the password is ${SECRET}` } },
    ]);
    const list = await get(view.port, `/api/threads?token=${tokenOf(view)}`);
    expect(list.status).toBe(200);
    const parsed = JSON.parse(list.body) as { source: { kind: string; live: boolean }; threads: { id: string; title: string }[] };
    expect(parsed.source).toMatchObject({ kind: "live", live: true });
    expect(parsed.threads.map((t) => t.id)).toEqual(["t1"]);
    expect(list.body).not.toContain(SECRET);
    const thread = await get(view.port, `/api/thread?id=t1&token=${tokenOf(view)}`);
    expect(thread.status).toBe(200);
    expect(thread.body).toContain("the password is [REDACTED]");
    expect(thread.body).not.toContain(SECRET);
    expect((await get(view.port, `/api/thread?id=nope&token=${tokenOf(view)}`)).status).toBe(404);
  });

  it("pushes live updates over SSE, and close() ends the stream and stops listening", async () => {
    const { server: view, source } = await start();
    const received: string[] = [];
    const ended = new Promise<void>((resolve, reject) => {
      const req = http.get({ host: "127.0.0.1", port: view.port, path: `/api/events?token=${tokenOf(view)}` }, (res) => {
        expect(res.headers["content-type"]).toBe("text/event-stream; charset=utf-8");
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => received.push(chunk));
        res.on("end", () => resolve());
        res.on("error", reject);
      });
      req.on("error", reject);
    });
    await expect.poll(() => received.join("")).toContain("retry:");
    feed(source, "t2", [
      { type: "thread.started", thread_id: "t2" },
      { type: "turn.started" },
      { type: "item.started", item: { id: "c", type: "command_execution", command: `echo ${SECRET}`, aggregated_output: "", status: "in_progress" } },
    ]);
    await expect.poll(() => received.join("")).toContain("event: update");
    const data = received.join("").split("\n").find((line) => line.startsWith("data: "))!;
    const updates = JSON.parse(data.slice(6)) as { type: string }[];
    expect(updates.map((u) => u.type)).toEqual(["thread", "turn", "entry"]);
    expect(data).toContain("echo [REDACTED]");
    expect(data).not.toContain(SECRET);
    await view.close();
    await ended;
    await expect(get(view.port, `/?token=${tokenOf(view)}`)).rejects.toThrow(/ECONNREFUSED/);
  });

  it("refuses a port it cannot use", async () => {
    const { server: view } = await start();
    await expect(ViewServer.start({ source: new LiveSource(), redactor: new Redactor(), port: view.port })).rejects.toThrow(InvalidOptionsError);
    await expect(ViewServer.start({ source: new LiveSource(), redactor: new Redactor(), port: 70_000 })).rejects.toThrow(/port must be an integer/);
  });
});
