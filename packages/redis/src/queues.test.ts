import { describe, expect, it } from "vitest";
import { queueConnectionOptions } from "./queues";

describe("queueConnectionOptions", () => {
  it("reads host, port, database and credentials from the URL", () => {
    expect(queueConnectionOptions("redis://u:p%40ss@10.0.0.5:6380/15")).toMatchObject({ host: "10.0.0.5", port: 6380, db: 15, username: "u", password: "p@ss", maxRetriesPerRequest: null });
    expect(queueConnectionOptions("redis://127.0.0.1:6379")).toMatchObject({ host: "127.0.0.1", port: 6379, db: 0 });
    expect(queueConnectionOptions("rediss://h")).toMatchObject({ host: "h", port: 6379, tls: {} });
  });
});
