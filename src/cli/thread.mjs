// A scoring thread of the CLI: runs the TypeScript in thread-main.ts through tsx, like bin/anomaly-lab.js.
import { register } from 'tsx/esm/api';

register();
await import('./thread-main.ts');
