// comlink ships the Node adapter's types beside it as node-adapter.d.ts, which TypeScript does not match to the .mjs.
declare module 'comlink/dist/esm/node-adapter.mjs' {
  export { default } from 'comlink/dist/esm/node-adapter';
}
