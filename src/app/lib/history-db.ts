/**
 * The upload history in this browser: IndexedDB through dexie (a maintained, typed wrapper). One
 * table of materialisations (src/core/checks/materialisation.ts), keyed by an auto-increment id and
 * indexed by asset and time. Nothing leaves the tab: export writes a file the user downloads, import
 * reads one the user picks.
 */
import Dexie, { type Table } from 'dexie';
import type { Materialisation } from '../../core/checks/materialisation';

/** A materialisation as stored: with its row id. */
export type StoredMaterialisation = Materialisation & { id?: number };

class HistoryDb extends Dexie {
  materialisations!: Table<StoredMaterialisation, number>;
  constructor() {
    super('anomaly-lab-history');
    this.version(1).stores({ materialisations: '++id, asset, time' });
  }
}

let db: HistoryDb | null = null;
const open = (): HistoryDb => (db ??= new HistoryDb());

/** Record a materialisation; its id. */
export async function addMaterialisation(m: Materialisation): Promise<number> {
  return open().materialisations.add({ ...m });
}

/** Change a recorded materialisation (its asset when renamed, its run when one finished). */
export async function updateMaterialisation(id: number, changes: Partial<Materialisation>): Promise<void> {
  await open().materialisations.update(id, changes);
}

/** An asset's materialisations, oldest first (by time, then by id). */
export async function assetHistory(asset: string): Promise<StoredMaterialisation[]> {
  const rows = await open().materialisations.where('asset').equals(asset).toArray();
  return rows.sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : (a.id ?? 0) - (b.id ?? 0)));
}

/** Every asset with its number of materialisations and the last one's time, by name. */
export async function assets(): Promise<{ asset: string; count: number; last: string }[]> {
  const by = new Map<string, { count: number; last: string }>();
  await open().materialisations.each((m) => {
    const a = by.get(m.asset);
    if (!a) by.set(m.asset, { count: 1, last: m.time });
    else {
      a.count++;
      if (m.time > a.last) a.last = m.time;
    }
  });
  return [...by].map(([asset, v]) => ({ asset, ...v })).sort((a, b) => a.asset.localeCompare(b.asset));
}

/** The whole history, oldest first, without row ids (the export's JSON array). */
export async function allMaterialisations(): Promise<Materialisation[]> {
  const rows = await open().materialisations.orderBy('time').toArray();
  return rows.map(({ id: _id, ...m }) => m);
}

/** Add records (an import), in one transaction: all or none. */
export async function importMaterialisations(ms: StoredMaterialisation[]): Promise<void> {
  // New ids here: an id from another browser's export would collide with this one's.
  await open().materialisations.bulkAdd(ms.map(({ id: _id, ...m }) => m));
}

/** Remove an asset's history, or all of it. */
export async function clearHistory(asset?: string): Promise<void> {
  const t = open().materialisations;
  if (asset === undefined) await t.clear();
  else await t.where('asset').equals(asset).delete();
}
