export * from "./betting";
export * from "./msprt";
export * from "./cusum";
export * from "./silence";
export * from "./fdr";
export * from "./poisson";
