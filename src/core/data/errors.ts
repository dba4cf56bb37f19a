/** Errors about the user's data, with where they apply: thrown by the CSV reader and by prepare. */

/** A problem with the user's file: the message names the file, and the row and column where they apply. */
export class DataError extends Error {
  readonly file: string;
  readonly row?: number;
  readonly column?: string;
  constructor(message: string, file: string, row?: number, column?: string) {
    super(message);
    this.name = 'DataError';
    this.file = file;
    this.row = row;
    this.column = column;
  }
}

/**
 * Bytes that are not text in the file's encoding (invalid UTF-8, say). The page offers to read the
 * file again as Windows-1252 (Latin-1), the CLI --encoding latin1; the name survives a worker's
 * structured clone, so the page can tell it from other errors.
 */
export class EncodingError extends DataError {
  constructor(message: string, file: string, row?: number, column?: string) {
    super(message, file, row, column);
    this.name = 'EncodingError';
  }
}
