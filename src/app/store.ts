/**
 * The app's state: one zustand store (state/store.ts) and the slices that change
 * it, by concern (state/*.ts). Components import from here.
 */
export * from './state/store';
export * from './state/data';
export * from './state/time';
export * from './state/run';
export * from './state/models';
export * from './state/workers';
export * from './state/surface';
export * from './state/threshold';
export * from './state/explain';
export * from './state/hook';
