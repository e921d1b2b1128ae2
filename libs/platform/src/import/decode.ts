import { MalformedImportFile } from './import-errors.js';

export const importEncodings = ['utf-8', 'windows-1252', 'utf-16le'] as const;
export type ImportEncoding = (typeof importEncodings)[number];

export interface DecodedFile {
  readonly text: string;
  readonly encoding: ImportEncoding;
  /** Whether a byte-order mark was found (and dropped). */
  readonly bom: boolean;
}

/** Names people give encodings on the command line. Latin-1 as Excel writes it is Windows-1252. */
const encodingAliases: Record<string, ImportEncoding> = {
  'utf-8': 'utf-8',
  utf8: 'utf-8',
  'windows-1252': 'windows-1252',
  cp1252: 'windows-1252',
  'latin-1': 'windows-1252',
  latin1: 'windows-1252',
  'iso-8859-1': 'windows-1252',
  'iso-8859-15': 'windows-1252',
  ansi: 'windows-1252',
  'utf-16le': 'utf-16le',
  'utf-16': 'utf-16le',
  utf16: 'utf-16le',
};

export function parseImportEncoding(raw: string): ImportEncoding {
  const found = encodingAliases[raw.trim().toLowerCase()];
  if (found === undefined) throw new Error(`encoding "${raw}" is not supported (use utf-8, windows-1252/latin-1 or utf-16le)`);
  return found;
}

interface Utf8Scan {
  /** Byte offset of the first sequence that is not UTF-8; -1 when all is. */
  readonly firstInvalid: number;
  /** Well-formed multi-byte sequences seen: evidence the file meant UTF-8. */
  readonly multiByte: number;
}

function scanUtf8(bytes: Uint8Array, start: number): Utf8Scan {
  let multiByte = 0;
  let i = start;
  while (i < bytes.length) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    const length = b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    if (length === 0 || i + length > bytes.length) return { firstInvalid: i, multiByte };
    for (let k = 1; k < length; k++) if ((bytes[i + k]! & 0xc0) !== 0x80) return { firstInvalid: i, multiByte };
    // Overlong three-byte forms, surrogates and code points above U+10FFFF.
    const b1 = bytes[i + 1]!;
    if ((b === 0xe0 && b1 < 0xa0) || (b === 0xed && b1 > 0x9f) || (b === 0xf0 && b1 < 0x90) || (b === 0xf4 && b1 > 0x8f)) {
      return { firstInvalid: i, multiByte };
    }
    multiByte++;
    i += length;
  }
  return { firstInvalid: -1, multiByte };
}

/**
 * Windows-1252 by hand: Node's TextDecoder reads "windows-1252" as Latin-1 in
 * some builds, which turns € and œ into control characters. 0x80–0x9F are the
 * only bytes where the two differ; the five Windows-1252 leaves undefined stay
 * C1 controls, which checkedText refuses.
 */
const WINDOWS_1252_HIGH =
  '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f' +
  '\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178';

function decodeWindows1252(bytes: Uint8Array): string {
  let text = '';
  const CHUNK = 8192;
  for (let start = 0; start < bytes.length; start += CHUNK) {
    const chunk = bytes.subarray(start, start + CHUNK);
    const codes = new Array<number>(chunk.length);
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i]!;
      codes[i] = b >= 0x80 && b <= 0x9f ? WINDOWS_1252_HIGH.charCodeAt(b - 0x80) : b;
    }
    text += String.fromCharCode(...codes);
  }
  return text;
}

/** 1-based line and column (in characters) of a byte offset, for messages. */
function positionOf(bytes: Uint8Array, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    if (bytes[i] === 0x0a) {
      line++;
      lineStart = i + 1;
    }
  }
  const prefix = new TextDecoder('utf-8').decode(bytes.subarray(lineStart, offset));
  return { line, column: [...prefix].length + 1 };
}

const hex = (b: number): string => `0x${b.toString(16).toUpperCase().padStart(2, '0')}`;

/**
 * Reads the bytes as text. Without `encoding`: a byte-order mark decides;
 * otherwise bytes that are valid UTF-8 are UTF-8, and anything else is
 * Windows-1252 — what Excel writes for "CSV" on a French or Italian Windows.
 * The rule needs no statistical detector because the two cannot be confused
 * the other way: Windows-1252 text with accents is almost never valid UTF-8.
 * A file that is mostly UTF-8 with a few stray bytes (two files pasted
 * together) is refused rather than read as Windows-1252 mojibake.
 */
export function decodeImportFile(bytes: Uint8Array, encoding?: ImportEncoding): DecodedFile {
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe && (encoding === undefined || encoding === 'utf-16le')) {
    return { text: new TextDecoder('utf-16le').decode(bytes.subarray(2)), encoding: 'utf-16le', bom: true };
  }
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) {
    throw new MalformedImportFile(null, null, 'the file is UTF-16 big-endian; save it as UTF-8 (CSV UTF-8 in Excel)');
  }
  const bom = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  const start = bom ? 3 : 0;
  if (encoding === 'utf-16le') return { text: new TextDecoder('utf-16le').decode(bytes), encoding, bom: false };
  if (encoding === 'windows-1252') {
    return checkedText({ text: decodeWindows1252(bytes.subarray(start)), encoding, bom });
  }
  const scan = scanUtf8(bytes, start);
  if (scan.firstInvalid === -1) {
    return checkedText({ text: new TextDecoder('utf-8').decode(bytes.subarray(start)), encoding: 'utf-8', bom });
  }
  const { line, column } = positionOf(bytes, scan.firstInvalid);
  const byte = hex(bytes[scan.firstInvalid]!);
  if (encoding === 'utf-8' || bom) {
    throw new MalformedImportFile(line, String(column), `byte ${byte} is not UTF-8${bom ? ' (the file starts with a UTF-8 byte-order mark)' : ''}`);
  }
  if (scan.multiByte > 0) {
    throw new MalformedImportFile(
      line,
      String(column),
      `byte ${byte} is not UTF-8, though the file has UTF-8 text before it: mixed encodings; re-save the file as UTF-8`,
    );
  }
  return checkedText({ text: decodeWindows1252(bytes.subarray(start)), encoding: 'windows-1252', bom: false });
}

/**
 * NUL and the C1 controls are what binary data (or a UTF-16 file without its
 * mark, or Windows-1252's five unassigned bytes) looks like once decoded: no
 * spreadsheet writes them in text.
 */
function checkedText(decoded: DecodedFile): DecodedFile {
  // eslint-disable-next-line no-control-regex
  const bad = /[\u0000\u0080-\u009f]/.exec(decoded.text);
  if (bad === null) return decoded;
  const before = decoded.text.slice(0, bad.index);
  const line = before.split('\n').length;
  const column = bad.index - before.lastIndexOf('\n');
  throw new MalformedImportFile(
    line,
    String(column),
    `character U+${bad[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')} is not text (is this a binary file, or in another encoding than ${decoded.encoding}?)`,
  );
}
