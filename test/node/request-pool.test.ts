import { describe, expect, it } from 'vitest';
import { RequestPool } from '../../src/engine/request-pool.js';

const never = new AbortController().signal;

describe('RequestPool', () => {
  it('halves its cap on throttling (at most once a second) and recovers one step per `limit` successes', () => {
    const pool = new RequestPool(6);
    pool.throttled(1000);
    expect(pool.limit).toBe(3);
    pool.throttled(1500); // same burst of 503s: no second cut
    expect(pool.limit).toBe(3);
    pool.throttled(2600);
    expect(pool.limit).toBe(1);
    pool.throttled(4000);
    expect(pool.limit).toBe(1);
    pool.succeeded();
    expect(pool.limit).toBe(2);
    pool.succeeded();
    expect(pool.limit).toBe(2);
    pool.succeeded();
    expect(pool.limit).toBe(3);
    for (let index = 0; index < 100; index++) pool.succeeded();
    expect(pool.limit).toBe(6);
  });

  it('never runs more than its cap, and serves lower priorities first', async () => {
    const pool = new RequestPool(2);
    let running = 0;
    let most = 0;
    const order: number[] = [];
    const task = (priority: number) =>
      pool.run(priority, never, async () => {
        running++;
        most = Math.max(most, running);
        order.push(priority);
        await new Promise((resolve) => setTimeout(resolve, 5));
        running--;
      });
    await Promise.all([task(5), task(5), task(9), task(1), task(3)]);
    expect(most).toBe(2);
    expect(order).toEqual([5, 5, 1, 3, 9]);
  });
});
