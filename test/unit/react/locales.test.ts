import { describe, expect, it } from 'vitest';
import { ar, de, en } from '../../../src/react/index.js';

describe.each([en, de, ar])('locale $code: why a file failed, in words for people', (locale) => {
  it('has its own sentence for a file that can no longer be read (choosing it again helps, retrying does not)', () => {
    const unreadable = locale.failure({ code: 'file_unreadable' });
    expect(unreadable).not.toBe(locale.failure({ code: 'storage_unreachable' }));
    expect(unreadable).not.toBe(locale.failure({ code: 'internal_error' }));
  });

  it('says a stalled upload lost its connection, as a dropped one', () => {
    expect(locale.failure({ code: 'storage_stalled' })).toBe(locale.failure({ code: 'storage_unreachable' }));
  });

  it('says so when the app refused the user, whatever the code', () => {
    expect(locale.failure({ code: 'endpoint_refused', status: 403 })).toBe(locale.failure({ code: 'storage_refused', status: 401 }));
  });
});
