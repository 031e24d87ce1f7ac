/**
 * The test helper that gives each test file its own redis-server: it answers on its port and its
 * Unix socket, keeps nothing on disk, and leaves no process, port or directory after close().
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { Redis } from "ioredis";
import { afterEach, describe, expect } from "vitest";
import { refused } from "../../helpers/network.js";
import { redisOnly, startRedis, type PrivateRedis } from "../../helpers/redis.js";

const servers: PrivateRedis[] = [];
const clients: Redis[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) client.disconnect();
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function start(): Promise<PrivateRedis> {
  const server = await startRedis();
  servers.push(server);
  return server;
}

function connect(target: string | { path: string }): Redis {
  const client = typeof target === "string" ? new Redis(target, { lazyConnect: true }) : new Redis({ ...target, lazyConnect: true });
  clients.push(client);
  return client;
}

/** Whether a process with this pid lives (signal 0 only asks). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== "ESRCH";
  }
}

describe("startRedis", () => {
  redisOnly("answers on its own port and on its Unix socket, saving nothing", async () => {
    const redis = await start();
    expect(redis.url).toBe(`redis://127.0.0.1:${redis.port}`);
    const tcp = connect(redis.url);
    await tcp.connect();
    expect(await tcp.ping()).toBe("PONG");
    expect(await tcp.info("server")).toContain(`tcp_port:${redis.port}`);
    expect(await tcp.config("GET", "save")).toEqual(["save", ""]);
    expect(await tcp.config("GET", "appendonly")).toEqual(["appendonly", "no"]);
    const unix = connect({ path: redis.socket });
    await unix.connect();
    await tcp.set("codexkit-helper", "seen on both");
    expect(await unix.get("codexkit-helper")).toBe("seen on both");
  });

  redisOnly("gives two test files two servers", async () => {
    const [a, b] = await Promise.all([start(), start()]);
    expect(a.port).not.toBe(b.port);
    expect(a.socket).not.toBe(b.socket);
    const first = connect(a.url);
    await first.connect();
    await first.set("owner", "a");
    const second = connect(b.url);
    await second.connect();
    expect(await second.get("owner")).toBeNull();
  });

  redisOnly("close() stops the process and removes its directory; a second close() is a no-op", async () => {
    const redis = await start();
    expect(alive(redis.pid)).toBe(true);
    expect(existsSync(redis.socket)).toBe(true);
    await redis.close();
    expect(alive(redis.pid)).toBe(false);
    expect(await refused(redis.url)).toBe(true);
    expect(existsSync(path.dirname(redis.socket))).toBe(false);
    await redis.close();
  });
});
