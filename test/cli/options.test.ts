import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { shouldUseColor } from '../../src/cli/color.js';
import { collectList, parseConcurrency, parseDuration, parseMetricsWindow } from '../../src/cli/options.js';
import { parseRegionName } from '../../providers/aws/option-values.js';
import { createProgressLine, formatProgress } from '../../src/cli/progress.js';

describe('durations', () => {
  it.each([
    ['30m', 1800],
    ['6h', 21_600],
    ['24h', 86_400],
    ['7d', 604_800],
    ['90s', 90],
    ['3600', 3600],
    ['0', 0],
  ])('%s = %i s', (text, seconds) => {
    expect(parseDuration(text)).toBe(seconds);
  });

  it.each(['', '1.5h', '-1h', '2w', 'h', '24 h'])('rejects %j', (text) => {
    expect(() => parseDuration(text)).toThrow(InvalidArgumentError);
  });

  it('bounds the metrics window by CloudWatch retention, and 0 disables', () => {
    expect(parseMetricsWindow('0')).toBe(0);
    expect(parseMetricsWindow('1m')).toBe(60);
    expect(parseMetricsWindow('63d')).toBe(63 * 86_400);
    expect(() => parseMetricsWindow('64d')).toThrow(/at most 63d/);
    expect(() => parseMetricsWindow('59')).toThrow(/at least 1m/);
  });
});

describe('lists and numbers', () => {
  it('accumulates comma-separated, repeated values', () => {
    expect(collectList('a, b,,c', undefined)).toEqual(['a', 'b', 'c']);
    expect(collectList('d', ['a'])).toEqual(['a', 'd']);
    expect(() => collectList(' , ', undefined)).toThrow(InvalidArgumentError);
  });

  it('deduplicates regions and checks their shape', () => {
    expect(['eu-west-1', 'us-gov-west-1'].map(parseRegionName)).toEqual(['eu-west-1', 'us-gov-west-1']);
    expect(() => parseRegionName('eu-west')).toThrow(/not a region name/);
  });

  it('accepts concurrency 1..256 only', () => {
    expect(parseConcurrency('1')).toBe(1);
    expect(parseConcurrency('256')).toBe(256);
    for (const bad of ['0', '257', '2.5', 'x']) expect(() => parseConcurrency(bad)).toThrow(InvalidArgumentError);
  });
});

describe('shouldUseColor', () => {
  it.each([
    [{ isTTY: true, flag: true, env: {} }, true],
    [{ isTTY: false, flag: true, env: {} }, false],
    [{ isTTY: true, flag: false, env: {} }, false],
    [{ isTTY: true, flag: true, env: { NO_COLOR: '1' } }, false],
    // no-color.org: an empty NO_COLOR does not disable colors.
    [{ isTTY: true, flag: true, env: { NO_COLOR: '' } }, true],
  ])('%j → %s', (ctx, expected) => {
    expect(shouldUseColor(ctx)).toBe(expected);
  });
});

describe('progress line', () => {
  const stream = (isTTY: boolean, columns = 40) => {
    const writes: string[] = [];
    return { writes, isTTY, columns, write: (s: string) => (writes.push(s), true) };
  };

  it('rewrites one line on a terminal, truncates to the width, and clears it when done', () => {
    const s = stream(true, 40);
    const line = createProgressLine(s, true);
    line.sink({ phase: 'elbv2', scope: 'eu-west-1', done: 3, total: 10 });
    line.sink({ phase: 'cloudwatch', scope: 'eu-west-1', message: 'GetMetricData for 42 load balancers and 120 target groups' });
    line.done();
    line.done();
    expect(s.writes).toEqual([
      '\r\u001b[2Kcollecting: elbv2 · eu-west-1 · 3/10',
      '\r\u001b[2Kcollecting: cloudwatch · eu-west-1 · G…',
      '\r\u001b[2K',
    ]);
    expect(s.writes[1]!.length - '\r\u001b[2K'.length).toBe(39);
  });

  it('writes nothing when disabled or when stderr is not a terminal', () => {
    for (const [tty, enabled] of [[false, true], [true, false]] as const) {
      const s = stream(tty);
      const line = createProgressLine(s, enabled);
      line.sink({ phase: 'ec2' });
      line.done();
      expect(s.writes).toEqual([]);
    }
  });

  it('formats counts with and without a total', () => {
    expect(formatProgress({ phase: 'acm', done: 4 })).toBe('collecting: acm · 4');
    expect(formatProgress({ activity: 'auditing', phase: 'region', scope: '123456789012 eu-west-1', done: 2, total: 20 })).toBe('auditing: region · 123456789012 eu-west-1 · 2/20');
  });
});
