import { CRON_PATTERN, cronMatches, inCronWindow } from '../../../src/api/cron.js';

const re = new RegExp(CRON_PATTERN);
const at = (iso: string) => Date.parse(iso);

describe('cron schedules', () => {
  it.each(['0 2 * * *', '*/15 * * * 1-5', '30 22-23 * * 6,0', '0 0 1 1 7', '5,10-20/5 * * * *'])('accepts %s', (s) => expect(re.test(s)).toBe(true));
  it.each(['99 * * * *', '0 24 * * *', '0 0 0 * *', '0 0 * 13 *', '0 0 * * 8', '* * * *', '0 2 * * * *', 'a b c d e', '*/0 * * * *'])('rejects %s', (s) => expect(re.test(s)).toBe(false));

  it('matches minutes in UTC, Sunday as 0 or 7', () => {
    expect(cronMatches('0 2 * * *', at('2026-12-02T02:00:00Z'))).toBe(true);
    expect(cronMatches('0 2 * * *', at('2026-12-02T02:01:00Z'))).toBe(false);
    expect(cronMatches('*/15 9-17 * * 1-5', at('2026-12-02T09:45:00Z'))).toBe(true); // a Wednesday
    expect(cronMatches('*/15 9-17 * * 1-5', at('2026-12-06T09:45:00Z'))).toBe(false); // a Sunday
    expect(cronMatches('0 0 * * 7', at('2026-12-06T00:00:00Z'))).toBe(true);
  });

  it('a window is open from a matching minute for its duration', () => {
    expect(inCronWindow('0 2 * * *', 4 * 3_600_000, at('2026-12-02T05:59:00Z'))).toBe(true);
    expect(inCronWindow('0 2 * * *', 4 * 3_600_000, at('2026-12-02T06:00:00Z'))).toBe(false);
    expect(inCronWindow('0 2 * * *', 4 * 3_600_000, at('2026-12-02T01:59:00Z'))).toBe(false);
  });
});
