import type { ByteSource } from '../core/data/csv-parts';

/** The bytes of a Blob in 8 MB slices (measured faster than 2 MB in Chromium). */
export async function* blobBytes(blob: Blob, size = 8 << 20): AsyncGenerator<Uint8Array> {
  for (let pos = 0; pos < blob.size; pos += size) yield new Uint8Array(await blob.slice(pos, pos + size).arrayBuffer());
}

/** The bytes of a ByteSource (the CLI's file ranges) in the same slices. */
export async function* sourceBytes(source: ByteSource, size = 8 << 20): AsyncGenerator<Uint8Array> {
  for (let pos = 0; pos < source.size; pos += size) yield await source.read(pos, Math.min(source.size, pos + size));
}
