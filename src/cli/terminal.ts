/**
 * What the CLI prints is shown, never obeyed: a header or a cell holding an ANSI / OSC escape
 * sequence (ESC [ 2 J clears the screen, ESC ] 0 ; … BEL retitles the window, ESC ] 52 writes
 * the clipboard) or a bidirectional override reaches the terminal as visible text.
 *
 * escapeControl writes C0 controls but newline and tab as \xHH (JSON.stringify has already
 * written them as \u00HH inside JSON), and DEL, the C1 controls (U+0080–U+009F: CSI is
 * U+009B) and the bidi overrides and isolates as \uHHHH, which JSON reads back as the same
 * character: `--json` output stays valid JSON.
 *
 * @example
 * escapeControl('a\u001b]0;pwned\u0007b') // 'a\\x1b]0;pwned\\x07b'
 */

// C0 but \t and \n; DEL and C1; LRE…RLO (U+202A–U+202E) and LRI…PDI (U+2066–U+2069).
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

export function escapeControl(text: string): string {
  return text.replace(CONTROL, (c) => {
    const code = c.charCodeAt(0);
    return code < 0x20 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/**
 * Escape every text message written to stdout and stderr from here on (one place, so a new
 * message cannot forget it). Bytes (Buffers) pass untouched; files (--out, --save-model) are
 * written through fs, not these streams.
 */
export function escapeTerminalOutput(): void {
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream) as (chunk: unknown, ...rest: unknown[]) => boolean;
    stream.write = ((chunk: unknown, ...rest: unknown[]) => write(typeof chunk === 'string' ? escapeControl(chunk) : chunk, ...rest)) as typeof stream.write;
  }
}
