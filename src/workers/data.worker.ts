/**
 * The parse worker: reads the File itself with papaparse (streamed), keeps the
 * Datasets and the fitted models (packed) by id, and hands out only what is
 * asked: summaries, label vector and plot columns to the page; feature
 * matrices and models to the detector workers, each over its own MessagePort
 * (`connect`), so row data never passes through the main thread.
 */
import * as Comlink from 'comlink';
import * as data from './data-api';

/** The data API plus `connect`: serve it on a port handed to a detector worker. */
export const api = {
  ...data,
  connect(port: MessagePort): void {
    Comlink.expose(data, port);
  },
};

export type DataWorkerApi = typeof api;

Comlink.expose(api);
