/**
 * The parse worker: reads the File itself with papaparse (streamed), keeps the
 * Datasets, and hands the main thread and the detector workers only what they
 * ask for (summaries, label vector, feature matrix, plot columns), transferred.
 */
import * as Comlink from 'comlink';
import * as data from './data-api';

Comlink.expose(data);
