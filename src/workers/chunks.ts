/**
 * The text of a Blob in 8 MB slices (measured faster than 2 MB in Chromium).
 * Plain ASCII slices (the usual numeric export) are decoded as single bytes,
 * about twice as fast as UTF-8 in Chromium and the same text; from the first
 * other byte on, a streaming UTF-8 decoder takes over, which also joins
 * characters split across slices.
 */
export async function* blobChunks(blob: Blob, size = 8 << 20): AsyncGenerator<string> {
  let utf8: TextDecoder | null = null;
  const single = new TextDecoder('windows-1252'); // = ASCII on bytes below 0x80
  for (let pos = 0; pos < blob.size; pos += size) {
    const bytes = new Uint8Array(await blob.slice(pos, pos + size).arrayBuffer());
    if (!utf8 && isAscii(bytes)) {
      yield single.decode(bytes);
      continue;
    }
    utf8 ??= new TextDecoder('utf-8');
    yield utf8.decode(bytes, { stream: pos + size < blob.size });
  }
}

/** No byte of `bytes` has its high bit set (four at a time over the aligned middle). */
export function isAscii(bytes: Uint8Array): boolean {
  const n = bytes.length;
  let i = 0;
  while (i < n && (bytes.byteOffset + i) % 4 !== 0) if (bytes[i++] & 0x80) return false;
  const words = (n - i) >> 2;
  if (words > 0) {
    const w = new Uint32Array(bytes.buffer, bytes.byteOffset + i, words);
    let acc = 0;
    for (let k = 0; k < words; k++) acc |= w[k];
    if (acc & 0x80808080) return false;
    i += words * 4;
  }
  for (; i < n; i++) if (bytes[i] & 0x80) return false;
  return true;
}

/** The bytes of a Blob in 8 MB slices. */
export async function* blobBytes(blob: Blob, size = 8 << 20): AsyncGenerator<Uint8Array> {
  for (let pos = 0; pos < blob.size; pos += size) yield new Uint8Array(await blob.slice(pos, pos + size).arrayBuffer());
}
