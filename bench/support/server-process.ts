import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';

export const SERVER_ENTRY = 'dist/apps/api/src/main.js';

/**
 * The administrator token the server is started with (SUIVI_ADMIN_TOKEN
 * creates the first administrator), sent as a bearer token on every request.
 */
const BENCH_TOKEN = 'suivi-bench-administrator-secret-0123456789';

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

export interface GraphqlAnswer {
  readonly status: number;
  readonly body: { data?: unknown; errors?: { message: string }[] };
}

/** One POST /graphql on a keep-alive agent; resolves on the full body. */
export function postGraphql(agent: http.Agent, port: number, payload: string): Promise<GraphqlAnswer> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        host: '127.0.0.1',
        port,
        path: '/graphql',
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), authorization: `Bearer ${BENCH_TOKEN}` },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          try {
            resolve({ status: response.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as GraphqlAnswer['body'] });
          } catch (error) {
            reject(error instanceof Error ? error : new Error(String(error)));
          }
        });
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(payload);
  });
}

/**
 * The built one-process server (`npm start`: API and projection worker) on a
 * data directory, listening on loopback. Its output goes to a log file of the
 * run, which is where to look when it does not answer.
 */
export class ServerProcess {
  private exited: Promise<number | null>;

  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
    readonly logFile: string,
    readonly spawnedAt: number,
  ) {
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  static async start(dataDir: string, logFile: string, env: Record<string, string> = {}): Promise<ServerProcess> {
    if (!fs.existsSync(SERVER_ENTRY)) throw new Error(`${SERVER_ENTRY} is missing: run npm run build first`);
    const port = await freePort();
    const out = fs.openSync(logFile, 'a');
    const spawnedAt = performance.now();
    const child = spawn(process.execPath, [path.resolve(SERVER_ENTRY)], {
      env: {
        ...process.env,
        SUIVI_DATA_DIR: dataDir,
        PORT: String(port),
        HOST: '127.0.0.1',
        NODE_ENV: 'production',
        SUIVI_WORKER: 'inline',
        SUIVI_ADMIN_TOKEN: BENCH_TOKEN,
        // Ten clients from one address are a load test, not an abuse to throttle.
        SUIVI_RATE_LIMIT_PER_MINUTE: '0',
        EVENTSTORE_URL: '',
        MONGODB_URL: '',
        ...env,
      },
      stdio: ['ignore', out, out],
    });
    fs.closeSync(out);
    return new ServerProcess(child, port, logFile, spawnedAt);
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** Milliseconds from spawn until `payload` is answered with data and no error. */
  async firstAnswer(agent: http.Agent, payload: string, timeoutMs: number): Promise<number> {
    const deadline = performance.now() + timeoutMs;
    let exitCode: number | null | undefined;
    void this.exited.then((code) => (exitCode = code));
    let lastProblem = 'no answer';
    while (performance.now() < deadline) {
      if (exitCode !== undefined) throw new Error(`the server exited (code ${exitCode}); see ${this.logFile}`);
      try {
        const answer = await postGraphql(agent, this.port, payload);
        if (answer.status === 200 && answer.body.data && !answer.body.errors) return performance.now() - this.spawnedAt;
        lastProblem = `HTTP ${answer.status}: ${JSON.stringify(answer.body.errors ?? answer.body).slice(0, 300)}`;
      } catch (error) {
        lastProblem = error instanceof Error ? error.message : String(error);
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    throw new Error(`the server did not answer within ${timeoutMs} ms (${lastProblem}); see ${this.logFile}`);
  }

  /** Peak resident set size so far (VmHWM), in bytes; null where /proc is not there. */
  peakRssBytes(): number | null {
    try {
      const status = fs.readFileSync(`/proc/${this.pid}/status`, 'utf8');
      const match = /^VmHWM:\s+(\d+)\s+kB/m.exec(status);
      return match ? Number(match[1]) * 1024 : null;
    } catch {
      return null;
    }
  }

  /** SIGTERM (graceful: the worker saves its checkpoints), SIGKILL after 10 s. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await this.exited;
    clearTimeout(timer);
  }
}
