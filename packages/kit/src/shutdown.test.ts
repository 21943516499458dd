import { describe, expect, it } from "vitest";
import { silentLogger } from "./logger";
import { createShutdown, runStopSteps } from "./shutdown";

describe("stop steps with deadlines", () => {
  it("moves on from a step that never finishes, and from one that fails, and reports both", async () => {
    const ran: string[] = [];
    const report = await runStopSteps(
      [
        { name: "hangs", run: () => new Promise(() => undefined), deadlineMs: 50 },
        { name: "fails", run: () => Promise.reject(new Error("broker gone")) },
        { name: "works", run: () => void ran.push("works") },
      ],
      silentLogger,
    );
    expect(ran).toEqual(["works"]);
    expect(report.ok).toBe(false);
    expect(report.steps.map((s) => [s.name, s.outcome])).toEqual([
      ["hangs", "timed_out"],
      ["fails", "failed"],
      ["works", "done"],
    ]);
    expect(report.steps[1]?.error).toBe("broker gone");
  });

  it("runs the registered steps last-in first-out, once", async () => {
    const order: string[] = [];
    const s = createShutdown(silentLogger);
    for (const name of ["stack", "worker", "http"]) s.add({ name, run: () => void order.push(name) });
    const [a, b] = await Promise.all([s.stop("test"), s.stop("again")]);
    expect(a).toBe(b);
    expect(order).toEqual(["http", "worker", "stack"]);
    expect(s.stopping).toBe(true);
  });
});
