export { assertKey, type ObjectStore } from "./store";
export { createLocalStore } from "./local.store";
export { createS3Store, parseS3Url, type S3StoreConfig } from "./s3.store";
