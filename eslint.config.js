// One lint configuration for the workspace; packages run it on their own folder.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

const adapterOnly = [
  { name: "kafkajs", message: "Use @pulse/kafka: services never talk to kafkajs directly." },
  { name: "@clickhouse/client", message: "Use @pulse/clickhouse." },
  { name: "chdb", message: "Use @pulse/clickhouse." },
  { name: "ioredis", message: "Use @pulse/redis." },
  { name: "bullmq", message: "Use @pulse/redis (queues)." },
  { name: "@aws-sdk/client-s3", message: "Use @pulse/storage." },
];

export default tseslint.config(
  { ignores: ["**/dist/**", "**/node_modules/**", "**/.cache/**", "data/**", "**/*.d.ts"] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/consistent-type-imports": "error",
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/restrict-template-expressions": ["error", { allowNumber: true, allowBoolean: true }],
      // kafkajs hands callbacks (resolveOffset, heartbeat, …) as closures in a payload object;
      // destructuring them is safe and idiomatic, which this rule cannot tell.
      "@typescript-eslint/unbound-method": "off",
    },
  },
  {
    files: ["services/**/*.ts"],
    rules: { "no-restricted-imports": ["error", { paths: adapterOnly }] },
  },
  {
    files: ["**/*.js", "**/*.mjs"],
    ...tseslint.configs.disableTypeChecked,
  },
);
