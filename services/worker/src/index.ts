export { createWorker, type PulseWorker, type WorkerDeps } from "./app";
export { startWorkerProcess, storeFromConfig } from "./process";
export { WorkerEnv, type WorkerConfig } from "./config";
export { createCatalogues, readCatalogueFile, storeCatalogue, EMPTY_CATALOGUE } from "./catalogues";
export { encodeWireMessage, decodeMessage, type WireMessageV1 } from "./message";
export { EVENT_COLUMNS, toEventRow, chTime } from "./rows";
export { archiveKey } from "./archive";
