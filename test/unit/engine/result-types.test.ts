import { describe, expect, expectTypeOf, it } from 'vitest';
import type { FileResult } from '../../../src/index.js';

describe('FileResult', () => {
  it("narrows on status: the README's onComplete gives a string[] of keys", () => {
    const results: FileResult[] = [
      { id: 'a', name: 'a.txt', size: 1, status: 'complete', key: 'uploads/a.txt' },
      { id: 'b', name: 'b.txt', size: 1, status: 'canceled' },
    ];
    const keys = results.filter((result) => result.status === 'complete').map((result) => result.key);
    expectTypeOf(keys).toEqualTypeOf<string[]>();
    expect(keys).toEqual(['uploads/a.txt']);
    for (const result of results) {
      if (result.status === 'error') expectTypeOf(result.error.code).toBeString();
    }
  });
});
