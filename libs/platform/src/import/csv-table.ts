import { CsvError, parse } from 'csv-parse/sync';
import { MalformedImportFile } from './import-errors.js';

export const importDelimiters = [',', ';', '\t', '|'] as const;
export type ImportDelimiter = (typeof importDelimiters)[number];

export function parseImportDelimiter(raw: string): ImportDelimiter {
  const value = raw === 'tab' || raw === '\\t' ? '\t' : raw;
  if (!(importDelimiters as readonly string[]).includes(value)) {
    throw new Error(`delimiter "${raw}" is not supported (use , ; tab or |)`);
  }
  return value as ImportDelimiter;
}

/** Occurrences of `delimiter` outside double quotes on one physical line. */
function countOutsideQuotes(line: string, delimiter: string): number {
  let count = 0;
  let quoted = false;
  for (const ch of line) {
    if (ch === '"') quoted = !quoted;
    else if (ch === delimiter && !quoted) count++;
  }
  return count;
}

/**
 * The delimiter of the first lines: the candidate that splits the header into
 * the most columns and every following sample line into as many. A quoted
 * newline can break a sample line in two, so consistency is a preference, not
 * a requirement; a file with a single column falls back to `,`.
 */
export function detectDelimiter(text: string, sampleLines = 10): ImportDelimiter {
  const lines = text.split(/\r?\n/, sampleLines + 1).filter((line) => line.trim() !== '');
  if (lines.length === 0) return ',';
  let best: ImportDelimiter = ',';
  let bestScore = 0;
  for (const delimiter of importDelimiters) {
    const header = countOutsideQuotes(lines[0]!, delimiter);
    if (header === 0) continue;
    const consistent = lines.slice(1).filter((line) => countOutsideQuotes(line, delimiter) === header).length;
    const score = header + consistent * 1000;
    if (score > bestScore) {
      best = delimiter;
      bestScore = score;
    }
  }
  return best;
}

export interface TableRow {
  /** 1-based physical line the record starts on (a quoted newline makes a record span lines). */
  readonly line: number;
  readonly cells: readonly string[];
}

export interface ImportTable {
  readonly header: readonly string[];
  readonly rows: readonly TableRow[];
}

/**
 * Parses the whole text with csv-parse. Rows with another number of fields
 * than the header are kept (the import rejects them one by one); quoting
 * errors fail the whole file, with the line and the column's header.
 */
export function parseImportTable(raw: string, delimiter: ImportDelimiter): ImportTable {
  // One line break: csv-parse takes "\r" for the record delimiter of a CRLF file and then counts a
  // quoted CRLF as two lines; a quoted line break is kept as "\n", as every field stores it.
  const text = raw.replace(/\r\n?/g, '\n');
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, {
      delimiter,
      bom: true,
      info: true,
      skip_empty_lines: true,
      relax_column_count: true,
      trim: false,
    }) as unknown as { record: string[]; info: { lines: number } }[];
  } catch (error) {
    if (error instanceof CsvError) throw malformed(error, text, delimiter);
    throw error;
  }
  const first = records[0];
  if (first === undefined) throw new MalformedImportFile(null, null, 'the file is empty');
  const header = first.record.map((h) => h.trim());
  const rows = records.slice(1).map(({ record, info }) => {
    const innerNewlines = record.reduce((n, cell) => n + (cell.match(/\n/g)?.length ?? 0), 0);
    return { line: info.lines - innerNewlines, cells: record };
  });
  // A trailing line of delimiters only (";;;" as spreadsheets leave) is not a record.
  return { header, rows: rows.filter((row) => row.cells.some((cell) => cell.trim() !== '')) };
}

function malformed(error: CsvError, text: string, delimiter: ImportDelimiter): MalformedImportFile {
  const details = error as CsvError & { lines?: number; column?: number | string };
  const line = typeof details.lines === 'number' ? details.lines : null;
  let column: string | null = null;
  if (typeof details.column === 'number') {
    const headerLine = text.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0] ?? '';
    const name = headerLine.split(delimiter)[details.column]?.replace(/^"|"$/g, '').trim();
    column = name ? `${details.column + 1} (${name})` : String(details.column + 1);
  }
  const reason =
    error.code === 'CSV_QUOTE_NOT_CLOSED'
      ? 'a quoted field is never closed (the quote opens on this line or before it)'
      : error.code === 'CSV_INVALID_CLOSING_QUOTE'
        ? 'text follows a closing quote: a quote inside a quoted field must be doubled ("")'
        : error.code === 'INVALID_OPENING_QUOTE'
          ? 'a quote appears inside an unquoted field: quote the whole field and double the quote ("")'
          : error.message;
  return new MalformedImportFile(line, column, reason);
}
