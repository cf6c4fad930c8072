import { describe, expect, it } from 'vitest';
import { MULTIPLEXED_PER_HOST, RequestPool } from '../../../src/engine/request-pool.js';
import { SignAheadWindow } from '../../../src/engine/sign-ahead.js';
import { defaultPartSize } from '../../../src/protocol/part-plan.js';

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

describe('RequestPool per host', () => {
  it('with perHost, each new storage host name adds its own connections (up to 4 hosts); without, the cap stays', () => {
    const pool = new RequestPool(6, { perHost: true });
    pool.sawHost('bucket.s3.us-east-1.amazonaws.com');
    expect(pool.limit).toBe(6);
    pool.sawHost('bucket.s3.us-east-1.amazonaws.com');
    pool.sawHost('bucket.s3.dualstack.us-east-1.amazonaws.com');
    expect(pool.limit).toBe(12);
    for (const host of ['c', 'd', 'e', 'f']) pool.sawHost(host);
    expect(pool.limit).toBe(24);
    const fixed = new RequestPool(6);
    fixed.sawHost('a');
    fixed.sawHost('b');
    expect(fixed.limit).toBe(6);
  });
});

describe('RequestPool and the store protocol', () => {
  it('gives a host the signer says speaks HTTP/2 more requests in flight; an HTTP/1.1 host keeps 6', () => {
    const pool = new RequestPool(6, { perHost: true });
    pool.sawHost('h1.example');
    expect(pool.limit).toBe(6);
    pool.sawHost('h2.example', { protocol: 'h2' });
    expect(pool.limit).toBe(6 + MULTIPLEXED_PER_HOST);
    const h3 = new RequestPool(6, { perHost: true, multiplexedLimit: 32 });
    h3.sawHost('a', { protocol: 'h3' });
    expect(h3.limit).toBe(32);
  });

  it("never exceeds a cap the store documents, and an app's own maxConcurrentRequests stays the cap", () => {
    const pool = new RequestPool(6, { perHost: true });
    pool.sawHost('spaces.example', { protocol: 'h2', maxInFlight: 10 });
    expect(pool.limit).toBe(10);
    const fixed = new RequestPool(8);
    fixed.sawHost('h2.example', { protocol: 'h2' });
    expect(fixed.limit).toBe(8);
  });

  it('believes what the browser saw over what the signer said, and stops listening to the signer once it has', () => {
    const pool = new RequestPool(6, { perHost: true });
    pool.sawHost('proxied.example', { protocol: 'h2' });
    expect(pool.limit).toBe(MULTIPLEXED_PER_HOST);
    pool.sawProtocol('proxied.example', 'http/1.1'); // e.g. a proxy on the way that speaks only HTTP/1.1
    expect(pool.limit).toBe(6);
    pool.sawHost('proxied.example', { protocol: 'h2' });
    expect(pool.limit).toBe(6);
    const cdn = new RequestPool(6, { perHost: true });
    cdn.sawHost('cdn.example');
    cdn.sawProtocol('cdn.example', ''); // no Timing-Allow-Origin: nothing learnt
    expect(cdn.limit).toBe(6);
    cdn.sawProtocol('cdn.example', 'h2');
    expect(cdn.limit).toBe(MULTIPLEXED_PER_HOST);
  });

  it('keeps a throttled cap its distance below the maximum when the maximum changes', () => {
    const pool = new RequestPool(6, { perHost: true });
    pool.sawHost('a');
    pool.throttled(1000);
    expect(pool.limit).toBe(3);
    pool.sawHost('a', { protocol: 'h2' });
    expect(pool.limit).toBe(MULTIPLEXED_PER_HOST - 3);
    for (let index = 0; index < 1000; index++) pool.succeeded();
    expect(pool.limit).toBe(MULTIPLEXED_PER_HOST);
  });
});

describe('SignAheadWindow', () => {
  it('admits up to its size, then waits until half of it has left, so files are signed in batches, lowest priority first', async () => {
    const window = new SignAheadWindow(4);
    const admitted: number[] = [];
    const leaves = new Map<number, () => void>();
    const enter = (priority: number) =>
      window.enter(priority, never).then((leave) => {
        admitted.push(priority);
        leaves.set(priority, leave);
      });
    const entries = [9, 8, 7, 6, 5, 4, 3, 2, 1].map(enter);
    await Promise.resolve();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(admitted).toEqual([9, 8, 7, 6]);
    leaves.get(9)?.();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(admitted).toHaveLength(4); // 3 inside: above half, no refill yet
    leaves.get(8)?.();
    await new Promise((resolve) => setTimeout(resolve, 0));
    // Half empty: refilled in one go with the lowest priorities waiting.
    expect(admitted).toEqual([9, 8, 7, 6, 1, 2]);
    for (const priority of [7, 6, 1, 2]) leaves.get(priority)?.();
    await Promise.all(entries.slice(0, 6));
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(admitted).toEqual([9, 8, 7, 6, 1, 2, 3, 4, 5]);
  });

  it('lets a waiter whose file is canceled leave the queue', async () => {
    const window = new SignAheadWindow(1);
    const leave = await window.enter(0, never);
    const canceled = new AbortController();
    const waiting = window.enter(1, canceled.signal);
    canceled.abort();
    await expect(waiting).rejects.toMatchObject({ code: 'canceled' });
    leave();
    expect(window.active).toBe(0);
  });
});

describe('defaultPartSize', () => {
  it('is 8 MiB up to 512 MiB, then keeps a file near 64 parts, up to 32 MiB', () => {
    const MiB = 1024 * 1024;
    expect(defaultPartSize(20 * MiB)).toBe(8 * MiB);
    expect(defaultPartSize(512 * MiB)).toBe(8 * MiB);
    expect(defaultPartSize(1024 * MiB)).toBe(16 * MiB);
    expect(defaultPartSize(1536 * MiB + 1)).toBe(25 * MiB);
    expect(defaultPartSize(100 * 1024 * MiB)).toBe(32 * MiB);
  });
});
