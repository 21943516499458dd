import { describe, expect, it } from "vitest";
import { createRateLimiter } from "./rate-limit";

describe("token bucket per tenant", () => {
  it("allows the burst, then refills at the rate", () => {
    const rl = createRateLimiter({ eventsPerSecond: 10, burst: 20 });
    expect(rl.take("a", 20, 0)).toEqual({ ok: true });
    expect(rl.take("a", 5, 0)).toEqual({ ok: false, retryAfterSeconds: 1 });
    expect(rl.take("b", 20, 0)).toEqual({ ok: true }); // tenants do not share a bucket
    expect(rl.take("a", 5, 500)).toEqual({ ok: true });
    expect(rl.take("a", 20, 600)).toEqual({ ok: false, retryAfterSeconds: 2 });
  });
  it("lets a request larger than the burst through a full bucket, then makes the tenant wait off the debt", () => {
    const rl = createRateLimiter({ eventsPerSecond: 100, burst: 100 });
    expect(rl.take("a", 1000, 0)).toEqual({ ok: true });
    expect(rl.take("a", 1, 1000)).toEqual({ ok: false, retryAfterSeconds: 9 });
    expect(rl.take("a", 1, 10_000)).toEqual({ ok: true });
  });
});
