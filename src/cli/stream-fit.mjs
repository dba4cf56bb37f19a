// The stream command's fit thread (stream-fit-main.ts) from the TypeScript sources through tsx, like thread.mjs.
import { register } from 'tsx/esm/api';

register();
await import('./stream-fit-main.ts');
