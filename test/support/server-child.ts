import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { GraphQLResponse } from './suivi-app.js';

/** The built one-process server: what `npm start` runs, and what the suites that kill it start. */
export const SERVER_ENTRY = 'dist/apps/api/src/main.js';

/** SUIVI_ADMIN_TOKEN of the child servers, sent with every request. */
export const CHILD_ADMIN_TOKEN = `suivi_${'0'.repeat(23)}1_${'childServerAdministrator'.padEnd(43, '0')}`;

/** Whether `npm run build` has produced the server; the suites that need it say so when it has not. */
export const serverBuilt = (): boolean => fs.existsSync(SERVER_ENTRY);

/** Servers still running: killed when the test process exits, so that a timed-out suite leaves none behind. */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** A port nobody listens on right now, from the kernel. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * The built server in a child process on a data directory, on loopback. Unlike
 * an in-process app it can be killed outright (SIGKILL), which is what a crash
 * is. Its output goes to `logFile`, where to look when it misbehaves.
 */
export class ServerChild {
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
    readonly logFile: string,
  ) {
    running.add(child);
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        running.delete(child);
        resolve({ code, signal });
      }),
    );
  }

  /** Starts the server and resolves once it answers GraphQL. */
  static async start(options: { dataDir: string; logFile: string; env?: Record<string, string>; readyTimeoutMs?: number }): Promise<ServerChild> {
    if (!serverBuilt()) throw new Error(`${SERVER_ENTRY} is missing: run npm run build first`);
    const port = await freePort();
    const out = fs.openSync(options.logFile, 'a');
    const child = spawn(process.execPath, [path.resolve(SERVER_ENTRY)], {
      env: {
        PATH: process.env['PATH'] ?? '',
        SUIVI_DATA_DIR: options.dataDir,
        PORT: String(port),
        HOST: '127.0.0.1',
        NODE_ENV: 'production',
        SUIVI_WORKER: 'inline',
        SUIVI_ADMIN_TOKEN: CHILD_ADMIN_TOKEN,
        // The suites fire bursts from one address on purpose.
        SUIVI_RATE_LIMIT_PER_MINUTE: '0',
        ...options.env,
      },
      stdio: ['ignore', out, out],
    });
    fs.closeSync(out);
    const server = new ServerChild(child, `http://127.0.0.1:${port}`, options.logFile);
    await server.ready(options.readyTimeoutMs ?? 20_000);
    return server;
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  private async ready(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let exited = false;
    void this.exited.then(() => (exited = true));
    let problem = 'no answer';
    while (Date.now() < deadline) {
      if (exited) throw new Error(`the server exited while starting; see ${this.logFile}`);
      try {
        const { body } = await this.graphql('{ me { id } }');
        if (body.data && !body.errors) return;
        problem = JSON.stringify(body.errors);
      } catch (error) {
        problem = error instanceof Error ? error.message : String(error);
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    this.child.kill('SIGKILL');
    throw new Error(`the server did not answer within ${timeoutMs} ms (${problem}); see ${this.logFile}`);
  }

  /** One POST /graphql as the administrator; rejects when the connection fails (the server died). */
  async graphql<T = Record<string, unknown>>(
    query: string,
    variables: Record<string, unknown> = {},
    headers: Record<string, string> = {},
  ): Promise<{ status: number; body: GraphQLResponse<T> }> {
    const response = await fetch(`${this.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${CHILD_ADMIN_TOKEN}`, ...headers },
      body: JSON.stringify({ query, variables }),
    });
    return { status: response.status, body: (await response.json()) as GraphQLResponse<T> };
  }

  /** A crash: SIGKILL, no shutdown hook runs. Resolves once the process is gone. */
  async kill(): Promise<void> {
    if (this.alive) this.child.kill('SIGKILL');
    await this.exited;
  }

  /** A clean stop (SIGTERM: checkpoints saved), SIGKILL after 10 s. */
  async stop(): Promise<void> {
    if (this.alive) this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await this.exited;
    clearTimeout(timer);
  }
}
