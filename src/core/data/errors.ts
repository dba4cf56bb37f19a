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
