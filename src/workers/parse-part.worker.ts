/**
 * A helper of the parse worker for large files: reads one byte range of the
 * file as a part (src/core/data/csv-parts.ts) and sends its columns back,
 * transferred. Started by the parse worker (data-api.ts), one per extra core.
 */
import * as Comlink from 'comlink';
import { parsePlainPart, type PartPlan } from '../core/data/csv-parts';
import { blobBytes } from './chunks';

const api = {
  async parse(blob: Blob, name: string, plan: Pick<PartPlan, 'header' | 'delimiter'>) {
    const part = await parsePlainPart(name, plan, blobBytes(blob), blob.size);
    return part ? Comlink.transfer(part, part.values.map((v) => v.buffer as ArrayBuffer)) : null;
  },
};

export type PartApi = typeof api;
Comlink.expose(api);
