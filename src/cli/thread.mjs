// A CLI worker thread (the detector API, thread-main.ts) from the TypeScript sources through tsx, like bin/anomaly-lab.js.
import { register } from 'tsx/esm/api';

register();
await import('./thread-main.ts');
