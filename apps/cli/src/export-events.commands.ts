import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import path from 'node:path';
import type { Writable } from 'node:stream';
import { Command } from 'commander';
import cliProgress from 'cli-progress';
import { ERASED, personalDataRuleOf } from '#domain';
import { PERSONAL_DATA_FIELD, type EventCodec, type EventEnvelope, type EventStore, type KeyRing, type StoredEvent } from '#event-store';
import { GroupQueries, UserQueries } from '#projections';
import type { ReadStore } from '#read-store';
import { withCliStores } from './cli-stores.js';

/**
 * `suivi export events --from POS --to POS --format ndjson|csv [--out FILE] [--as LOGIN]`:
 * a range of the event log, decoded through the codec, for notebooks and BI
 * tools. Personal data is decrypted only for a user holding `privacy.manage`
 * (named with --as); for anyone else it reads as the codec reads it once a
 * person is forgotten (ERASED, null, []). The log is read in pages and each
 * page written before the next is read, so memory does not grow with the range.
 */
export interface ExportEventsSession {
  readonly store: EventStore;
  /** The users and groups read models, to check --as. */
  readonly readStore: ReadStore;
  readonly codec: EventCodec;
}

export interface ExportEventsArgs {
  readonly from?: string | undefined;
  readonly to?: string | undefined;
  readonly format: string;
  readonly out?: string | undefined;
  readonly as?: string | undefined;
}

export interface ExportEventsOutput {
  /** Where the events go when there is no --out: standard output. */
  readonly sink: Writable;
  /** Progress and notes: standard error. */
  note(line: string): void;
  readonly progress: boolean;
}

export interface ExportEventsResult {
  readonly events: number;
  readonly from: bigint;
  /** The last position exported; null when the range held no event. */
  readonly last: bigint | null;
  readonly personalData: 'decrypted' | 'erased';
  readonly durationMs: number;
}

/** The columns of a CSV export, and the fields of an NDJSON line, in this order. */
export const EXPORTED_EVENT_COLUMNS = ['position', 'type', 'stream', 'recordedAt', 'actor', 'data'] as const;

export const EXPORT_FORMATS = ['ndjson', 'csv'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

const PAGE = 1_000;

/** Whoever may read the log's personal data in bulk: the permission that already governs acting on personal data as such. */
export const DECRYPTED_EXPORT_PERMISSION = 'privacy.manage';

const standardOutput = (): ExportEventsOutput => ({
  sink: process.stdout,
  note: (line) => process.stderr.write(`${line}\n`),
  progress: process.stderr.isTTY === true,
});

const parsePosition = (option: string, raw: string): bigint => {
  if (!/^\d+$/.test(raw.trim())) throw new Error(`${option} must be a position in the log (a whole number), got "${raw}"`);
  return BigInt(raw.trim());
};

const parseFormat = (raw: string): ExportFormat => {
  const format = raw.trim().toLowerCase();
  if (!(EXPORT_FORMATS as readonly string[]).includes(format)) throw new Error(`--format must be ndjson or csv, got "${raw}"`);
  return format as ExportFormat;
};

/**
 * Whether `login` may read personal data: an active user holding
 * DECRYPTED_EXPORT_PERMISSION through one of their groups, without a scope. A
 * login that names nobody, a disabled user, or one holding the permission but
 * limited to part of the directory, is an error rather than a quiet fallback to
 * erased data: the caller meant someone.
 */
export async function mayDecrypt(readStore: ReadStore, login: string): Promise<boolean> {
  const wanted = login.trim().toLowerCase();
  const user = await (await UserQueries.open(readStore)).getByLogin(wanted);
  if (user === null) throw new Error(`--as: no user with login ${wanted} (see suivi users list)`);
  if (user.disabled) throw new Error(`--as: user ${user.login} is disabled`);
  const groups = await (await GroupQueries.open(readStore)).byCodes(user.groups);
  const holds = groups.some((group) => (group.permissions as readonly string[]).includes(DECRYPTED_EXPORT_PERMISSION));
  if (holds && user.scope !== null && (user.scope.territories !== null || user.scope.ownedOnly)) {
    // The log is not cut by scope: decrypted, it would show them the people of the whole directory.
    throw new Error(`--as: user ${user.login} sees only part of the directory, and the log holds all of it: act as a user without a scope to decrypt`);
  }
  return holds;
}

/** A key ring in which every subject of these events is destroyed: the codec then gives its erased markers. */
function destroyedKeys(events: readonly StoredEvent[]): KeyRing {
  const ring = new Map<string, null>();
  for (const event of events) {
    const header = (event.data as Record<string, unknown> | null)?.[PERSONAL_DATA_FIELD] as { subjects?: unknown } | undefined;
    if (Array.isArray(header?.subjects)) for (const subject of header.subjects) if (typeof subject === 'string') ring.set(subject, null);
  }
  return ring;
}

const erasedLike = (value: unknown): unknown => (typeof value === 'string' ? ERASED : Array.isArray(value) ? [] : null);

/**
 * The personal fields of an event's rule replaced by markers, for events stored
 * before personal data was encrypted (no header: the codec hands them out as
 * stored). Idempotent on what the codec already erased.
 */
export function erasePersonalFields(type: string, data: Record<string, unknown>): Record<string, unknown> {
  const rule = personalDataRuleOf(type);
  if (rule === null) return data;
  const clear = new Set(rule.clear);
  const erased: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(data)) {
    if (clear.has(field)) erased[field] = value;
    else if (field === 'changes' && Array.isArray(value)) {
      erased[field] = value.map((change: unknown) => {
        const c = change as { field?: unknown; from?: unknown; to?: unknown } | null;
        if (c === null || typeof c !== 'object' || typeof c.field !== 'string' || clear.has(c.field)) return change;
        return { ...c, from: erasedLike(c.from), to: erasedLike(c.to) };
      });
    } else erased[field] = erasedLike(value);
  }
  return erased;
}

interface ExportedEvent {
  readonly position: string;
  readonly type: string;
  readonly stream: string;
  readonly recordedAt: string;
  readonly actor: string | null;
  readonly data: unknown;
}

const row = (envelope: EventEnvelope, erase: boolean): ExportedEvent => ({
  position: envelope.position.toString(),
  type: envelope.type,
  stream: envelope.streamName,
  recordedAt: envelope.recordedAt.toISOString(),
  actor: envelope.metadata.actorId ?? null,
  data: erase ? erasePersonalFields(envelope.type, envelope.data as Record<string, unknown>) : envelope.data,
});

/**
 * RFC 4180 quoting, by hand: a general-purpose CSV writer cost a sixth of the
 * export's time for six known columns (measured on the bench's data set).
 */
const csvField = (value: string): string => (/[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value);

function serialise(rows: readonly ExportedEvent[], format: ExportFormat, header: boolean): string {
  if (format === 'ndjson') return rows.map((r) => `${JSON.stringify(r)}\n`).join('');
  const lines = header ? [EXPORTED_EVENT_COLUMNS.join(',')] : [];
  for (const r of rows) {
    lines.push([r.position, r.type, r.stream, r.recordedAt, r.actor ?? '', JSON.stringify(r.data)].map(csvField).join(','));
  }
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}

async function write(sink: Writable, chunk: string): Promise<void> {
  if (chunk.length > 0 && !sink.write(chunk)) await once(sink, 'drain');
}

/** Writes the events of [from, to] to `--out` or the output's sink; resolves to what was written. */
export async function exportEvents(session: ExportEventsSession, args: ExportEventsArgs, output: ExportEventsOutput = standardOutput()): Promise<ExportEventsResult> {
  const format = parseFormat(args.format);
  const from = args.from === undefined ? 1n : parsePosition('--from', args.from);
  const head = await session.store.headPosition();
  // The head when the export began: what is appended meanwhile waits for the next export.
  const to = args.to === undefined ? (head ?? 0n) : parsePosition('--to', args.to);
  if (to < from) throw new Error(`--to (${to}) must not be before --from (${from})`);
  const decrypt = args.as !== undefined && (await mayDecrypt(session.readStore, args.as));
  if (args.as !== undefined && !decrypt) {
    output.note(`user ${args.as.trim().toLowerCase()} lacks ${DECRYPTED_EXPORT_PERMISSION}: personal data is exported erased`);
  } else if (args.as === undefined) {
    output.note(`personal data is exported erased; to decrypt it, --as <login> of a user holding ${DECRYPTED_EXPORT_PERMISSION}`);
  }
  const file = args.out === undefined ? null : createWriteStream(path.resolve(args.out), { mode: 0o600 });
  const sink = file ?? output.sink;
  const last = head === null || head < to ? head : to;
  const bar =
    output.progress && last !== null && last >= from
      ? new cliProgress.SingleBar(
          { format: 'export [{bar}] {percentage}% | {value}/{total} | {rate} ev/s | ETA {eta_formatted}', etaBuffer: 50, stream: process.stderr },
          cliProgress.Presets.shades_classic,
        )
      : null;
  const started = performance.now();
  let events = 0;
  let lastWritten: bigint | null = null;
  try {
    if (file) await once(file, 'open');
    if (format === 'csv') await write(sink, serialise([], format, true));
    bar?.start(Number(last! - from + 1n), 0, { rate: 0 });
    let after: bigint | null = from > 1n ? from - 1n : null;
    for (;;) {
      const page = await session.store.readAll({ after, maxCount: PAGE });
      const inRange = page.events.filter((event) => event.position >= from && event.position <= to);
      if (inRange.length > 0) {
        const keys = decrypt ? await session.codec.prepareDecode(inRange) : destroyedKeys(inRange);
        const rows = inRange.map((stored) => {
          try {
            return row(session.codec.decode(stored, keys), !decrypt);
          } catch (error) {
            throw new Error(
              `the event at position ${stored.position} (${stored.type}) cannot be decoded: ${error instanceof Error ? error.message : String(error)}; ` +
                `export the ranges before and after it (--to ${stored.position - 1n}, --from ${stored.position + 1n})`,
              { cause: error },
            );
          }
        });
        await write(sink, serialise(rows, format, false));
        events += rows.length;
        lastWritten = inRange.at(-1)!.position;
        bar?.update(Number(lastWritten - from + 1n), { rate: Math.round(events / Math.max((performance.now() - started) / 1000, 0.001)) });
      }
      const reachedEnd = page.isEnd || page.events.length === 0 || page.lastPosition === null || page.lastPosition >= to;
      if (reachedEnd) break;
      after = page.lastPosition;
    }
    bar?.stop();
    if (file) {
      file.end();
      await once(file, 'finish');
    }
  } catch (error) {
    bar?.stop();
    file?.destroy();
    throw error;
  }
  const durationMs = performance.now() - started;
  const personalData = decrypt ? 'decrypted' : 'erased';
  output.note(
    `exported ${events} events${lastWritten === null ? '' : ` (positions ${from}–${lastWritten})`} as ${format}, personal data ${personalData}, ` +
      `in ${(durationMs / 1000).toFixed(1)} s (${Math.round(events / Math.max(durationMs / 1000, 0.001))} events/s)${args.out === undefined ? '' : ` → ${args.out}`}`,
  );
  return { events, from, last: lastWritten, personalData, durationMs };
}

/** The live log opened read-only when it is the embedded SQLite file. */
export async function withExportEventsSession<T>(work: (session: ExportEventsSession) => Promise<T>): Promise<T> {
  return withCliStores(({ store, readStore, codec }) => work({ store, readStore, codec }), { readOnlyLog: true });
}

/** `export` may be shared with later exports: whichever registers first creates it. */
const exportCommand = (program: Command): Command =>
  program.commands.find((command) => command.name() === 'export') ?? program.command('export').description('data out of Suivi, for other tools');

export function registerExportEventsCommands(program: Command): void {
  exportCommand(program)
    .command('events')
    .option('--from <position>', 'first position exported (default: the start of the log)')
    .option('--to <position>', 'last position exported, included (default: the head of the log when the export begins)')
    .option('--format <format>', 'ndjson (one JSON object a line) or csv (columns position,type,stream,recordedAt,actor,data; data as JSON)', 'ndjson')
    .option('--out <file>', 'write to this file (created readable by its owner only) instead of standard output')
    .option('--as <login>', `the Suivi user the export is for: personal data is decrypted when they hold ${DECRYPTED_EXPORT_PERMISSION}, erased otherwise`)
    .description('stream a range of the event log, decoded, for notebooks and BI tools; progress on standard error')
    .action((options: ExportEventsArgs) =>
      withExportEventsSession(async (session) => {
        await exportEvents(session, options);
      }),
    );
}
