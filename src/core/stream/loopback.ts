/**
 * The page's live input connects to the CLI's `stream --serve` WebSocket only on this machine
 * (issue 19: the data still never leaves it). A URL is accepted when it is ws:// to a loopback host:
 * 127.0.0.0/8, ::1 or localhost; anything else is refused with a sentence naming it.
 *
 * @example
 * loopbackUrl('8765')                   // → 'ws://127.0.0.1:8765/'
 * loopbackUrl('ws://localhost:8765')    // → 'ws://localhost:8765/'
 * loopbackUrl('ws://example.com:8765')  // throws RangeError
 */
export function loopbackUrl(text: string): string {
  const t = text.trim();
  // A bare port is the CLI's own address (it serves on 127.0.0.1 only).
  const raw = /^\d+$/.test(t) ? `ws://127.0.0.1:${t}` : t;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new RangeError(`'${text}' is not a WebSocket address like ws://127.0.0.1:8765 (or a port number)`);
  }
  // wss needs a certificate the CLI does not have; the data never leaves the machine either way.
  if (url.protocol !== 'ws:') throw new RangeError(`live input connects with ws:// to this machine only, got: ${url.protocol}//`);
  if (!isLoopbackHost(url.hostname)) throw new RangeError(`live input connects to this machine only (127.0.0.1, ::1 or localhost), not to '${url.hostname}': the data never leaves this machine`);
  if (url.username || url.password) throw new RangeError('live input takes no user name or password in the address');
  const port = Number(url.port);
  if (!(Number.isInteger(port) && port >= 1 && port <= 65535)) throw new RangeError(`give the port the CLI said ('serving on ws://127.0.0.1:PORT'), got: '${text}'`);
  return url.href;
}

/** 127.0.0.0/8, ::1 (URL writes it [::1]) or localhost. */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase();
  if (h === 'localhost' || h === '[::1]' || h === '::1') return true;
  const m = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(h);
  return !!m && m.slice(1).every((p) => Number(p) <= 255);
}
