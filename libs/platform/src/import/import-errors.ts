/**
 * The file cannot be read as a table at all (bad quoting, bytes that are not
 * text): nothing is imported, and the message says where.
 */
export class MalformedImportFile extends Error {
  constructor(
    readonly line: number | null,
    readonly column: string | null,
    readonly reason: string,
  ) {
    super(`${line === null ? '' : `line ${line}${column === null ? '' : `, column ${column}`}: `}${reason}`);
    this.name = 'MalformedImportFile';
  }
}

/** The import was asked for wrongly (unknown mapping, unknown field, no name column): nothing is read. */
export class ImportSetupError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
    this.name = 'ImportSetupError';
  }
}
