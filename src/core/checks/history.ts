/**
 * The history as text: JSON lines, one materialisation a line (the CLI's --history file), and the
 * page's export (a JSON array). Reading checks every record and names the file and line of the
 * first bad one; a blank line (a trailing newline) is allowed.
 */
import { DataError } from '../data/errors';
import { checkMaterialisation, type Materialisation } from './materialisation';

/** The records of a JSON-lines history, oldest first (file order). */
export function parseHistoryLines(text: string, file: string): Materialisation[] {
  const out: Materialisation[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === '') continue;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      throw new DataError(`${file}: line ${i + 1} is not JSON (a history file has one materialisation per line)`, file, i + 1);
    }
    const problem = checkMaterialisation(json);
    if (problem) throw new DataError(`${file}: line ${i + 1} is not a materialisation: ${problem}`, file, i + 1);
    out.push(json as Materialisation);
  }
  return out;
}

/** One record as a history line (with its newline). */
export function historyLine(m: Materialisation): string {
  return `${JSON.stringify(m)}\n`;
}

/** An exported history (a JSON array of materialisations, or JSON lines), checked as parseHistoryLines does. */
export function parseHistoryExport(text: string, file: string): Materialisation[] {
  const trimmed = text.trimStart();
  if (!trimmed.startsWith('[')) return parseHistoryLines(text, file);
  let json: unknown;
  try {
    json = JSON.parse(trimmed);
  } catch (e) {
    throw new DataError(`${file} is not JSON: ${(e as Error).message}`, file);
  }
  const list = json as unknown[];
  for (const [i, r] of list.entries()) {
    const problem = checkMaterialisation(r);
    if (problem) throw new DataError(`${file}: record ${i + 1} is not a materialisation: ${problem}`, file, i + 1);
  }
  return list as Materialisation[];
}

/** The records of one asset, oldest first. */
export function ofAsset(history: readonly Materialisation[], asset: string): Materialisation[] {
  return history.filter((m) => m.asset === asset);
}
