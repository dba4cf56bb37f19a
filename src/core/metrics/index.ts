export * from './quantile.js';
export * from './classification.js';
export * from './ranking.js';
export * from './sweep.js';
