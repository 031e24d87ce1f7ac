/**
 * The app-server processes of one transport. codex keeps every thread a client is subscribed to,
 * so a process that lives for weeks grows (idle threads are let go, see idle-threads.ts, but not
 * threads in use); a new process bounds it. With recycling bounds (a local
 * process), a spare is started and handshaken before the current process reaches them; at the
 * bound it takes new turns, while the old process finishes its running turns and then closes. A
 * thread of the old process resumes on the new one at its next turn (`AppServer.loaded` is per
 * process). At most two processes live at once: a spare is never warmed while an old one drains.
 */
import { ConnectionClosedError } from "../../errors/index.js";
import type { Logger } from "../../logger.js";
import { processRssBytes } from "../../process/index.js";
import type { AppServer } from "./server.js";

/** When a local process is replaced. */
export interface RecycleBounds {
  /** Threads loaded (started, resumed or forked) in one process. */
  maxThreads: number;
  /** Resident memory of the process, in MiB. */
  maxRssMb?: number;
}

/** Threads per process by default: about 280 MB of codex memory at codex 0.169's ~1.1 MB a thread. */
export const DEFAULT_MAX_THREADS = 256;
/** The share of a bound at which the spare is started, so it is ready when the bound is reached. */
const WARM_AT = 0.9;
const MIB = 1024 * 1024;
/** How often the default reader asks the system for codex's resident memory (with `maxRssMb`). */
const RSS_READ_INTERVAL_MS = 1_000;

/** Starts (and handshakes) a fresh app-server. */
export type StartServer = () => Promise<AppServer>;

/** The current app-server, its warmed spare, and the one draining. */
export class ServerPool {
  private current: Promise<AppServer> | null = null;
  private spare: Promise<AppServer> | null = null;
  private draining: AppServer | null = null;
  private closed = false;
  /** Bound checks run one at a time, so two turns ending together switch once. */
  private checking: Promise<void> = Promise.resolve();
  /** Recycles so far (for logs and tests). */
  recycles = 0;

  constructor(
    private readonly startServer: StartServer,
    private readonly bounds: RecycleBounds | null,
    private readonly logger: Logger,
    private readonly rssBytes: (pid: number) => Promise<number | null> = readAtMostEvery(RSS_READ_INTERVAL_MS, processRssBytes),
  ) {}

  /** The live process new work goes to: started on demand, or replaced after a crash; one start at a time. */
  async acquire(): Promise<AppServer> {
    const current = this.current;
    if (current) {
      const server = await current.catch(() => null);
      if (server?.alive) return server;
      // Whoever gets here first replaces the dead process; the others wait for that replacement.
      if (this.current !== current) return this.acquire();
    }
    const next = this.replace(current);
    this.current = next;
    next.catch(() => {
      if (this.current === next) this.current = null;
    });
    return next;
  }

  /**
   * Checks `server` against the bounds after it loaded a thread or ran a turn: near them a spare
   * is warmed, at them the spare takes over. Never throws, and never makes the caller wait.
   */
  check(server: AppServer): void {
    if (!this.bounds || this.closed) return;
    this.checking = this.checking.then(() => this.evaluate(server)).catch((error: unknown) => this.logger.warn({ error: String(error) }, "checking the app-server's bounds failed"));
  }

  /** Every process of the pool that started and still runs: the current one, the warmed spare, the one draining. */
  async processes(): Promise<AppServer[]> {
    const started = await Promise.all([this.current, this.spare].map(async (p) => (p ? p.catch(() => null) : null)));
    return [...new Set([...started, this.draining])].filter((server): server is AppServer => server?.alive === true);
  }

  /** Waits for bound checks in progress (tests). */
  async settled(): Promise<void> {
    await this.checking;
  }

  /** Closes every process: current, spare and draining. */
  async close(): Promise<void> {
    this.closed = true;
    const pending = [this.current, this.spare];
    this.current = this.spare = null;
    const draining = this.draining;
    this.draining = null;
    await Promise.all([
      ...pending.map(async (p) => (await p?.catch(() => null))?.close()),
      draining?.close(),
    ]);
  }

  private async replace(previous: Promise<AppServer> | null): Promise<AppServer> {
    const old = await previous?.catch(() => null);
    await old?.close();
    this.throwIfClosed();
    // A warmed spare takes over from a process that died.
    const spare = this.spare;
    this.spare = null;
    const ready = await spare?.catch(() => null);
    if (ready?.alive) return ready;
    const server = await this.startServer();
    if (this.closed) {
      await server.close();
      this.throwIfClosed();
    }
    return server;
  }

  private async evaluate(server: AppServer): Promise<void> {
    const bounds = this.bounds!;
    if (this.closed || server !== (await this.current?.catch(() => null)) || !server.alive) return;
    const threads = server.loaded.size;
    // Memory is read only when the thread count alone does not decide.
    const rssMb = bounds.maxRssMb !== undefined && server.pid !== undefined && threads < bounds.maxThreads ? ((await this.rssBytes(server.pid)) ?? 0) / MIB : 0;
    const reached = threads >= bounds.maxThreads || (bounds.maxRssMb !== undefined && rssMb >= bounds.maxRssMb);
    const near = threads >= Math.floor(bounds.maxThreads * WARM_AT) || (bounds.maxRssMb !== undefined && rssMb >= bounds.maxRssMb * WARM_AT);
    if (!near) return;
    if (this.draining) {
      // A third process would break the bound on processes; the switch waits for the old one to close.
      this.logger.debug({ threads, rssMb: Math.round(rssMb) }, "the app-server nears its bounds while the previous one still drains");
      return;
    }
    if (!this.spare && !this.closed) {
      this.logger.debug({ threads, rssMb: Math.round(rssMb) }, "the app-server nears its bounds; starting its replacement");
      const spare = this.startServer();
      spare.catch((error: unknown) => {
        // Dropped, so the next check starts another.
        if (this.spare === spare) this.spare = null;
        if (!this.closed) this.logger.warn({ error: String(error) }, "starting the replacement app-server failed; will try again");
      });
      this.spare = spare;
    }
    if (!reached || !this.spare) return;
    const spare = this.spare;
    const next = await spare.catch(() => null);
    if (this.spare === spare && !next?.alive) this.spare = null;
    if (!next?.alive || this.closed || server !== (await this.current?.catch(() => null))) return;
    this.spare = null;
    this.current = Promise.resolve(next);
    this.recycles += 1;
    this.logger.info({ threads, rssMb: Math.round(rssMb), oldPid: server.pid, newPid: next.pid }, "app-server recycled: new turns go to a fresh process; the old one closes after its running turns");
    this.retire(server);
  }

  /** Lets `server` finish what it runs, then closes it. */
  private retire(server: AppServer): void {
    this.draining = server;
    // A turn that was handed this process a moment ago takes its hold in the same tick; let it.
    void new Promise((resolve) => setImmediate(resolve))
      .then(() => server.idle())
      .then(() => server.close())
      .catch((error: unknown) => this.logger.debug({ error: String(error) }, "closing the recycled app-server failed"))
      .finally(() => {
        if (this.draining === server) this.draining = null;
      });
  }

  private throwIfClosed(): void {
    if (this.closed) throw new ConnectionClosedError("the codex client was closed");
  }
}

/**
 * `read`, asked of the system at most once per `intervalMs` for the same pid (the last answer is
 * given in between): memory moves slowly next to turns, and on macOS each reading runs `ps`.
 */
export function readAtMostEvery(intervalMs: number, read: (pid: number) => Promise<number | null>): (pid: number) => Promise<number | null> {
  let last: { pid: number; at: number; value: Promise<number | null> } | null = null;
  return (pid) => {
    const now = Date.now();
    if (last && last.pid === pid && now - last.at < intervalMs) return last.value;
    last = { pid, at: now, value: read(pid) };
    return last.value;
  };
}
