#!/usr/bin/env node
// Runs the CLI from the bundle `npm ci` builds (scripts/build-cli.mjs → dist-cli/) when it is up to date
// with src/, else straight from the TypeScript sources through tsx (slower start, same behaviour):
// see cli-entry.js. ANOMALY_LAB_FROM_SOURCE=1 forces the sources.
import { cliEntry } from './cli-entry.js';

const entry = cliEntry();
if (entry.kind === 'bundle') process.setSourceMapsEnabled(true);
else (await import('tsx/esm/api')).register();
await import(entry.url);
