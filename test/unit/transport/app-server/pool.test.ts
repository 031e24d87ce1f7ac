/**
 * The app-server pool's recycling, with stand-in processes: a spare is warmed before the bound,
 * takes over at it once ready (never making a turn wait for a start), the old process closes only
 * when its turns are done, and no more than two processes live at once.
 */
import { describe, expect, it, vi } from "vitest";
import { silentLogger } from "../../../../src/logger.js";
import { readAtMostEvery, ServerPool, type RecycleBounds } from "../../../../src/transport/app-server/pool.js";
import type { AppServer } from "../../../../src/transport/app-server/server.js";

/** A stand-in for one app-server process. */
class FakeServer {
  readonly loaded = new Set<string>();
  alive = true;
  closed = false;
  holds = 0;
  private idleWaiters: (() => void)[] = [];
  constructor(readonly pid: number) {}
  hold(): () => void {
    this.holds += 1;
    return () => {
      if (--this.holds === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
    };
  }
  idle(): Promise<void> {
    return this.holds === 0 ? Promise.resolve() : new Promise((resolve) => this.idleWaiters.push(resolve));
  }
  close(): Promise<void> {
    this.closed = true;
    this.alive = false;
    return Promise.resolve();
  }
  load(count: number): void {
    for (let i = 0; i < count; i++) this.loaded.add(`${this.pid}-${this.loaded.size}`);
  }
}

/** A pool whose starts are held until `finishStart()`, when `gated`. */
function pool(bounds: RecycleBounds | null, options: { gated?: boolean; rssMb?: () => number } = {}) {
  const made: FakeServer[] = [];
  const gates: (() => void)[] = [];
  let failNext = false;
  const start = async (): Promise<AppServer> => {
    const server = new FakeServer(made.length + 1);
    made.push(server);
    if (options.gated) await new Promise<void>((resolve) => gates.push(resolve));
    if (failNext) {
      failNext = false;
      throw new Error("spawn failed");
    }
    return server as unknown as AppServer;
  };
  const p = new ServerPool(start, bounds, silentLogger, () => Promise.resolve((options.rssMb?.() ?? 0) * 1024 * 1024));
  return {
    p,
    made,
    finishStart: () => gates.shift()?.(),
    failNextStart: () => (failNext = true),
    /** The processes alive now. */
    live: () => made.filter((s) => !s.closed).length,
  };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe("ServerPool", () => {
  it("without bounds, keeps one process and never starts a spare", async () => {
    const { p, made } = pool(null);
    const server = (await p.acquire()) as unknown as FakeServer;
    server.load(10_000);
    p.check(server as unknown as AppServer);
    await p.settled();
    expect(made).toHaveLength(1);
    expect(await p.acquire()).toBe(server);
  });

  it("warms a spare at 90% of maxThreads, switches at the bound, and closes the old one once idle", async () => {
    const { p, made, live } = pool({ maxThreads: 10 });
    const first = (await p.acquire()) as unknown as FakeServer;
    first.load(8);
    p.check(first as unknown as AppServer);
    await p.settled();
    expect(made).toHaveLength(1);

    first.load(1); // 9 of 10: near the bound
    p.check(first as unknown as AppServer);
    await p.settled();
    expect(made).toHaveLength(2);
    expect(await p.acquire()).toBe(first);

    const running = first.hold(); // a turn still runs on the old process
    first.load(1); // 10: the bound
    p.check(first as unknown as AppServer);
    await p.settled();
    const second = made[1]!;
    expect(await p.acquire()).toBe(second);
    expect(p.recycles).toBe(1);
    await tick();
    expect(first.closed).toBe(false);
    expect(live()).toBe(2);

    running();
    await tick();
    await tick();
    expect(first.closed).toBe(true);
    expect(live()).toBe(1);
  });

  it("never makes a turn wait for the spare's start: the current process serves until the spare is ready", async () => {
    const { p, made, finishStart } = pool({ maxThreads: 10 }, { gated: true });
    const acquiring = p.acquire();
    await tick();
    finishStart();
    const first = (await acquiring) as unknown as FakeServer;
    first.load(10); // straight to the bound: the spare starts now and is slow
    p.check(first as unknown as AppServer);
    await tick();
    expect(made).toHaveLength(2);
    // Meanwhile turns keep going to the current process, at once.
    expect(await p.acquire()).toBe(first);
    expect(await p.acquire()).toBe(first);
    finishStart();
    await p.settled();
    expect(await p.acquire()).toBe(made[1]);
  });

  it("keeps at most two processes: no spare is warmed while the old one still drains", async () => {
    const { p, made, live } = pool({ maxThreads: 4 });
    const first = (await p.acquire()) as unknown as FakeServer;
    const stuck = first.hold(); // a long turn on the first process
    first.load(4);
    p.check(first as unknown as AppServer);
    await p.settled();
    const second = (await p.acquire()) as unknown as FakeServer;
    expect(second).toBe(made[1]);
    second.load(4); // the new one is full already, but the old one drains
    p.check(second as unknown as AppServer);
    await p.settled();
    expect(made).toHaveLength(2);
    expect(live()).toBe(2);
    stuck();
    await tick();
    await tick();
    expect(first.closed).toBe(true);
    // Once the old one has closed, the next check warms a spare again.
    p.check(second as unknown as AppServer);
    await p.settled();
    expect(made).toHaveLength(3);
    expect(live()).toBe(2);
  });

  it("recycles on resident memory past maxRssMb", async () => {
    let rss = 100;
    const { p, made } = pool({ maxThreads: 1_000, maxRssMb: 500 }, { rssMb: () => rss });
    const first = (await p.acquire()) as unknown as FakeServer;
    p.check(first as unknown as AppServer);
    await p.settled();
    expect(made).toHaveLength(1);
    rss = 460; // 92%: warm
    p.check(first as unknown as AppServer);
    await p.settled();
    expect(made).toHaveLength(2);
    rss = 501;
    p.check(first as unknown as AppServer);
    await p.settled();
    expect(await p.acquire()).toBe(made[1]);
  });

  it("a spare that fails to start is dropped and tried again; the current process keeps serving", async () => {
    const { p, made, failNextStart } = pool({ maxThreads: 10 });
    const first = (await p.acquire()) as unknown as FakeServer;
    first.load(10);
    failNextStart();
    p.check(first as unknown as AppServer);
    await p.settled();
    expect(await p.acquire()).toBe(first);
    p.check(first as unknown as AppServer);
    await p.settled();
    expect(made).toHaveLength(3);
    expect(await p.acquire()).toBe(made[2]);
  });

  it("after a crash, a warmed spare takes over at once", async () => {
    const { p, made } = pool({ maxThreads: 10 });
    const first = (await p.acquire()) as unknown as FakeServer;
    first.load(9);
    p.check(first as unknown as AppServer);
    await p.settled();
    first.alive = false; // crashed
    expect(await p.acquire()).toBe(made[1]);
    expect(made).toHaveLength(2);
  });

  it("close() closes the current process, the spare and the draining one, and refuses new work", async () => {
    const { p, made } = pool({ maxThreads: 4 });
    const first = (await p.acquire()) as unknown as FakeServer;
    const running = first.hold();
    first.load(4);
    p.check(first as unknown as AppServer);
    await p.settled();
    const second = (await p.acquire()) as unknown as FakeServer;
    await p.close();
    expect(first.closed).toBe(true);
    expect(second.closed).toBe(true);
    expect(made.every((s) => s.closed)).toBe(true);
    await expect(p.acquire()).rejects.toThrow(/closed/);
    running();
  });
});

describe("readAtMostEvery", () => {
  it("asks the system at most once per interval for the same pid, and at once for another pid", async () => {
    vi.useFakeTimers({ now: 0 });
    try {
      const asked: number[] = [];
      const read = readAtMostEvery(1_000, (pid) => {
        asked.push(pid);
        return Promise.resolve(asked.length * 100);
      });
      expect(await read(7)).toBe(100);
      vi.setSystemTime(999);
      expect(await read(7)).toBe(100);
      expect(await read(8)).toBe(200);
      vi.setSystemTime(2_500);
      expect(await read(8)).toBe(300);
      expect(asked).toEqual([7, 8, 8]);
    } finally {
      vi.useRealTimers();
    }
  });
});
