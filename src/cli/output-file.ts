/**
 * Writing the CLI's output files (--out, --save-model, --curves) so that no
 * data is lost: the text goes to a temporary file in the target's folder
 * (a unique name: pid + random), which is fsynced and then renamed over the
 * target. Until the rename the old file stays as it was; after it the new one
 * is whole. On any error, or on SIGINT / SIGTERM / SIGHUP mid-write, the
 * temporary file is removed and the old file is left alone. Two runs writing
 * the same target each write their own temporary file: the last rename wins,
 * with a whole file.
 *
 * A target that exists and is not a regular file (/dev/stdout, a named pipe,
 * /dev/null) is written directly: it cannot be replaced, only written to.
 *
 * Every failure is a WriteError: one line naming the path and the reason
 * ("cannot write out.csv: no space left on device").
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** A file could not be written: the message names the path (as given) and the reason. */
export class WriteError extends Error {
  readonly file: string;
  /** The system error's code (ENOSPC, EACCES, EPIPE…), when there was one. */
  readonly code?: string;
  constructor(file: string, reason: string, code?: string) {
    super(`cannot write ${file}: ${reason}`);
    this.name = 'WriteError';
    this.file = file;
    this.code = code;
  }
}

const REASONS: Record<string, string> = {
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  EISDIR: 'it is a folder',
  ENOTDIR: 'a part of the path is not a folder',
  ENAMETOOLONG: 'the name is too long',
  EFBIG: 'the file is too large',
  EIO: 'input/output error',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files',
  EXDEV: 'the temporary file is on another device',
  EPIPE: 'the reader closed the pipe',
  EBUSY: 'the file is busy',
  ETXTBSY: 'the file is busy',
  ELOOP: 'too many symbolic links',
};

/** A system error's reason in words (its code's, else its message without the code and path). */
export function ioReason(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  if (err && typeof err.code === 'string' && REASONS[err.code]) return REASONS[err.code];
  const message = err instanceof Error ? err.message : String(e);
  // "ENOSPC: no space left on device, write" → "no space left on device"
  return message.replace(/^[A-Z0-9_]+: /, '').replace(/, \w+( '[^']*')?( -> '[^']*')?$/, '').split('\n')[0];
}

/** Whether `e` is a Node system error (an fs / net call that failed). */
export function isSystemError(e: unknown): e is NodeJS.ErrnoException {
  const err = e as NodeJS.ErrnoException;
  return err instanceof Error && typeof err.code === 'string' && typeof err.syscall === 'string';
}

/** What an output is being written to, buffered; each flush awaits the disk, so a fast producer waits for a slow disk. */
export interface OutputSink {
  /** Queue text; it is written by the next flush (at the latest when the file is finished). */
  push(text: string): void;
  /** Queue bytes (UTF-8), kept by reference until the next flush. */
  pushBytes(bytes: Uint8Array): void;
  /** Characters (or bytes) queued and not yet written. */
  readonly pending: number;
  /** Write what is queued. */
  flush(): Promise<void>;
  /** push, then flush if more than about 1 MB is queued. */
  write(text: string): Promise<void>;
}

/** About how many characters are queued before write() flushes. */
const FLUSH_CHARS = 1 << 20;

/**
 * Test hook (tests/unit/cli-write.test.ts): ANOMALY_LAB_TEST_WRITE='delay=MS,fail=CODE@BYTES'
 * waits MS ms after each flush, and fails the write that would pass BYTES bytes with a system
 * error CODE (ENOSPC: a full disk), after writing the bytes before it.
 */
function testFault(): { delay: number; failCode: string | null; failAt: number } {
  const spec = process.env.ANOMALY_LAB_TEST_WRITE ?? '';
  const delay = Number(/(?:^|,)delay=(\d+)/.exec(spec)?.[1] ?? 0);
  const fail = /(?:^|,)fail=([A-Z]+)@(\d+)/.exec(spec);
  return { delay, failCode: fail ? fail[1] : null, failAt: fail ? Number(fail[2]) : Infinity };
}

function sinkOn(fh: fs.promises.FileHandle): OutputSink & { bytes: number } {
  const fault = testFault();
  let parts: (string | Uint8Array)[] = [];
  let pending = 0;
  const sink = {
    bytes: 0,
    get pending() {
      return pending;
    },
    push(text: string) {
      parts.push(text);
      pending += text.length;
    },
    pushBytes(bytes: Uint8Array) {
      parts.push(bytes);
      pending += bytes.length;
    },
    async flush() {
      if (pending === 0) return;
      const buf = parts.every((p) => typeof p === 'string')
        ? Buffer.from(parts.join(''), 'utf8')
        : Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : p)));
      parts = [];
      pending = 0;
      let end = buf.length;
      if (sink.bytes + end > fault.failAt) end = Math.max(0, fault.failAt - sink.bytes);
      for (let at = 0; at < end;) {
        const { bytesWritten } = await fh.write(buf, at, end - at);
        at += bytesWritten;
        sink.bytes += bytesWritten;
      }
      if (end < buf.length) {
        throw Object.assign(new Error(`${fault.failCode}: injected by ANOMALY_LAB_TEST_WRITE, write`), { code: fault.failCode!, syscall: 'write' });
      }
      if (fault.delay > 0) await new Promise((res) => setTimeout(res, fault.delay));
    },
    async write(text: string) {
      sink.push(text);
      if (pending >= FLUSH_CHARS) await sink.flush();
    },
  };
  return sink;
}

// ---- temporary files removed on a signal or an exit mid-write ----

const liveTemps = new Set<string>();
const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

function removeTemps(): void {
  for (const t of liveTemps) {
    try {
      fs.unlinkSync(t);
    } catch {
      // already gone (renamed or removed)
    }
  }
  liveTemps.clear();
}

/** Remove the temporary files, then die of the same signal (default action), as the shell expects of a program stopped by Ctrl-C. */
function onSignal(signal: NodeJS.Signals): void {
  removeTemps();
  for (const s of SIGNALS) process.removeListener(s, onSignal);
  process.kill(process.pid, signal);
}

function track(temp: string): void {
  if (liveTemps.size === 0) {
    for (const s of SIGNALS) process.on(s, onSignal);
    process.on('exit', removeTemps);
  }
  liveTemps.add(temp);
}

function untrack(temp: string): void {
  liveTemps.delete(temp);
  if (liveTemps.size === 0) {
    for (const s of SIGNALS) process.removeListener(s, onSignal);
    process.removeListener('exit', removeTemps);
  }
}

// ---- where a target is written ----

interface Target {
  /** The path written (a symbolic link's target: the link stays a link). */
  real: string;
  /** An existing target that is not a regular file: written directly. */
  direct: boolean;
  /** The mode of the file replaced, kept by the new one. */
  mode: number | null;
}

function resolveTarget(file: string): Target {
  let st: fs.Stats | null = null;
  try {
    st = fs.statSync(file); // follows links: /dev/stdout is a pipe or a terminal, a link to a file is that file
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOTDIR') throw new WriteError(file, REASONS.ENOTDIR, code);
    if (code === 'EACCES') throw new WriteError(file, REASONS.EACCES, code);
    // ENOENT: a new file, or a dangling link (written as a new file in its place).
  }
  if (st?.isDirectory()) throw new WriteError(file, REASONS.EISDIR, 'EISDIR');
  // Not a regular file (a device, a pipe, a socket): opened as given (realpath of /dev/stdout names no file).
  if (st && !st.isFile()) return { real: file, direct: true, mode: null };
  // A link to a file: the file is replaced and the link stays a link.
  const real = st ? fs.realpathSync(file) : path.resolve(file);
  const dir = path.dirname(real);
  let dst: fs.Stats;
  try {
    dst = fs.statSync(dir);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new WriteError(file, `the folder ${path.dirname(file)} does not exist`, code);
    throw new WriteError(file, ioReason(e), code);
  }
  if (!dst.isDirectory()) throw new WriteError(file, `${path.dirname(file)} is not a folder`, 'ENOTDIR');
  return { real, direct: false, mode: st ? st.mode & 0o7777 : null };
}

/**
 * Check, before any work, that `file` can be written: its folder exists and
 * is writable, and it is not a folder. Throws the WriteError the write would
 * end with (the write itself still handles every error).
 */
export function checkWritable(file: string): void {
  const t = resolveTarget(file);
  try {
    fs.accessSync(t.direct ? t.real : path.dirname(t.real), fs.constants.W_OK);
  } catch (e) {
    throw new WriteError(file, ioReason(e), (e as NodeJS.ErrnoException).code);
  }
}

/**
 * Write `file` through `produce`, atomically (see the module comment). Any
 * failure of the file system becomes a WriteError naming `file`; an error
 * from `produce` itself (the input changed, say) passes through. Either way
 * the temporary file is gone and the old file is as it was.
 */
export async function writeFileAtomic(file: string, produce: (out: OutputSink) => Promise<void>): Promise<void> {
  const target = resolveTarget(file);
  if (target.direct) return writeDirect(file, target.real, produce);
  const dir = path.dirname(target.real);
  const base = path.basename(target.real).slice(0, 180);
  const temp = path.join(dir, `.${base}.${process.pid}-${randomBytes(6).toString('hex')}.tmp`);
  let fh: fs.promises.FileHandle | null = null;
  track(temp);
  try {
    try {
      fh = await fs.promises.open(temp, 'wx', target.mode ?? 0o666);
      if (target.mode !== null) await fh.chmod(target.mode);
    } catch (e) {
      throw new WriteError(file, ioReason(e), (e as NodeJS.ErrnoException).code);
    }
    const sink = sinkOn(fh);
    await produce(sink);
    await sink.flush();
    await fh.sync();
    await fh.close();
    fh = null;
    await fs.promises.rename(temp, target.real);
    untrack(temp);
    await syncDir(dir);
  } catch (e) {
    if (fh) await fh.close().catch(() => undefined);
    await fs.promises.unlink(temp).catch(() => undefined);
    untrack(temp);
    if (isSystemError(e) && !(e instanceof WriteError)) throw new WriteError(file, ioReason(e), e.code);
    throw e;
  }
}

/** A device or pipe: opened for writing and written as the text comes (nothing to keep or replace). */
async function writeDirect(file: string, real: string, produce: (out: OutputSink) => Promise<void>): Promise<void> {
  let fh: fs.promises.FileHandle | null = null;
  try {
    fh = await fs.promises.open(real, 'w');
    const sink = sinkOn(fh);
    await produce(sink);
    await sink.flush();
  } catch (e) {
    if (isSystemError(e) && !(e instanceof WriteError)) throw new WriteError(file, ioReason(e), e.code);
    throw e;
  } finally {
    await fh?.close().catch(() => undefined);
  }
}

/** fsync the folder, so the rename itself survives a crash (best effort: not every file system allows it). */
async function syncDir(dir: string): Promise<void> {
  let fh: fs.promises.FileHandle | null = null;
  try {
    fh = await fs.promises.open(dir, 'r');
    await fh.sync();
  } catch {
    // a folder that cannot be opened or synced: the rename is done, only its durability is the system's
  } finally {
    await fh?.close().catch(() => undefined);
  }
}

/** Write `text` to `file` atomically. */
export function writeTextAtomic(file: string, text: string): Promise<void> {
  return writeFileAtomic(file, async (out) => out.write(text));
}

/** A file's identity (device + inode), or null when it does not exist or cannot be read. */
function identity(file: string): string | null {
  try {
    const st = fs.statSync(file);
    return st.isFile() ? `${st.dev}:${st.ino}` : null;
  } catch {
    return null;
  }
}

/** Where a new file would land: its folder's real path + its name (a link followed). */
function landing(file: string): string {
  try {
    return fs.realpathSync(file);
  } catch {
    try {
      return path.join(fs.realpathSync(path.dirname(file)), path.basename(file));
    } catch {
      return path.resolve(file);
    }
  }
}

/**
 * The first output that is one of the inputs (the same file: same device and
 * inode, so links and other spellings count), or that another output names
 * too, as one line; null when all are distinct.
 *
 * @param outputs [flag, path] of each output given (--out, --save-model, --curves)
 * @param inputs [what, path] of each input read (the CSV, --train, --model)
 */
export function sameFileConflict(outputs: [string, string][], inputs: [string, string][]): string | null {
  for (const [flag, out] of outputs) {
    const id = identity(out);
    if (id === null) continue;
    for (const [what, input] of inputs) {
      if (identity(input) === id) return `${flag} ${out} is ${what} (${input}): writing it would destroy what is being read; choose another name`;
    }
  }
  // Two outputs on one file (a device or pipe such as /dev/stdout may take both).
  const special = (file: string) => {
    try {
      return !fs.statSync(file).isFile();
    } catch {
      return false;
    }
  };
  for (let a = 0; a < outputs.length; a++) {
    for (let b = a + 1; b < outputs.length; b++) {
      if (!special(outputs[a][1]) && landing(outputs[a][1]) === landing(outputs[b][1])) return `${outputs[a][0]} and ${outputs[b][0]} name the same file (${outputs[b][1]}); choose two names`;
    }
  }
  return null;
}
