import { describe, expect, it } from 'vitest';
import { resolveExpiry } from '../../../src/server/expiry.js';

describe('resolveExpiry', () => {
  const fail = (option: string, message: string): never => {
    throw new TypeError(`${option} ${message}`);
  };
  it('fills the defaults and refuses more than 7 days, naming the option', () => {
    expect(resolveExpiry(undefined, fail)).toEqual({ put: 600, part: 600, post: 120 });
    expect(resolveExpiry(60, fail)).toEqual({ put: 60, part: 60, post: 60 });
    expect(resolveExpiry({ part: 900 }, fail)).toEqual({ put: 600, part: 900, post: 120 });
    expect(() => resolveExpiry({ part: 604_801 }, fail)).toThrow(/^expiresIn\.part .*604800 \(7 days/);
    expect(() => resolveExpiry({ get: 1 }, fail)).toThrow(/^expiresIn\.get is not a kind of URL/);
    expect(() => resolveExpiry('600', fail)).toThrow(/^expiresIn must be a number of seconds/);
  });
});
