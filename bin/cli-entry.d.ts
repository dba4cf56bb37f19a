/** Which code bin/anomaly-lab.js runs (see cli-entry.js). */
export interface CliEntry {
  kind: 'bundle' | 'source';
  url: string;
  why: string;
}
export function cliEntry(root?: string, env?: Record<string, string | undefined>, dist?: string): CliEntry;
