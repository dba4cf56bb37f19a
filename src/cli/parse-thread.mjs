// A CLI parse thread: runs parse-thread-main.ts through tsx, like thread.mjs.
import { register } from 'tsx/esm/api';

register();
await import('./parse-thread-main.ts');
