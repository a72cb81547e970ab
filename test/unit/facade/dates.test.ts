import { describe, expect, it } from 'vitest';
import { dockerCloudDate } from '../../../src/facade/dates.ts';

describe('dockerCloudDate', () => {
  it('writes "%a, %d %b %Y %H:%M:%S +0000" in UTC', () => {
    expect(dockerCloudDate('2014-10-13T11:01:43Z')).toBe('Mon, 13 Oct 2014 11:01:43 +0000');
    expect(dockerCloudDate('2024-03-01T09:05:07+02:00')).toBe('Fri, 01 Mar 2024 07:05:07 +0000');
    expect(dockerCloudDate(new Date(Date.UTC(2020, 0, 2, 3, 4, 5)))).toBe('Thu, 02 Jan 2020 03:04:05 +0000');
  });

  it('gives null for no date or an unreadable one', () => {
    expect(dockerCloudDate(null)).toBeNull();
    expect(dockerCloudDate(undefined)).toBeNull();
    expect(dockerCloudDate('')).toBeNull();
    expect(dockerCloudDate('not a date')).toBeNull();
  });
});
