import { describe, expect, it } from 'vitest'
import { formatDuration, formatPercent, formatRatio, formatSize } from '../../src/budget/format.js'
import { boundPattern, parseBound } from '../../src/budget/parse-bound.js'
import { DURATION_PATTERN, parseDuration } from '../../src/budget/parse-duration.js'
import { parseNumber } from '../../src/budget/parse-number.js'
import { parsePercent } from '../../src/budget/parse-percent.js'
import { parseSize } from '../../src/budget/parse-size.js'
import { isPerfgateError } from '../../src/errors.js'

// Callers validate JSON, so the parsers must cope with any value despite their signatures.
const anything = (value: unknown) => value as string | number

describe('parseDuration', () => {
  it.each([
    ['250ns', 250],
    ['250us', 250_000],
    ['250µs', 250_000], // U+00B5 micro sign
    ['250μs', 250_000], // U+03BC Greek mu
    ['5ms', 5e6],
    ['5 ms', 5e6],
    ['  5ms  ', 5e6],
    ['5MS', 5e6],
    ['5Ms', 5e6],
    ['1.5s', 1.5e9],
    ['1.5 S', 1.5e9],
    ['.5s', 0.5e9],
    ['2m', 120e9],
    ['2 M', 120e9],
    ['0ms', 0],
    ['0.5ns', 0.5],
    ['1.1ms', 1_100_000], // no binary noise: 1.1 * 1e6 is 1100000.0000000002 in floats
    ['5', 5e6],
    [' 2.5 ', 2.5e6],
    [5, 5e6],
    [0.25, 250_000],
    [0, 0],
  ] as const)('%j is %d ns', (input, ns) => {
    expect(parseDuration(input)).toBe(ns)
  })

  it('names where a bad value came from', () => {
    expect(() => parseDuration('fast', 'budgets.bench["sort"].p95')).toThrowErrorMatchingInlineSnapshot(
      `[PerfgateError: perfgate: Expected a duration like "250us", "5ms" or "1.5s" (a bare number means ms), received "fast" at budgets.bench["sort"].p95.]`,
    )
  })

  it('rejects what is not a non-negative duration', () => {
    const inputs = [
      'fast',
      '-5ms',
      '5 parsecs',
      '',
      '  ',
      'ms',
      '5 m s',
      '1e3ms',
      '+5ms',
      '5,5ms',
      -1,
      NaN,
      Infinity,
    ]
    const messages = [...inputs, null, undefined, true, {}]
      .map((input) => {
        try {
          parseDuration(anything(input))
          return `${String(input)} → accepted`
        } catch (error) {
          expect(isPerfgateError(error, 'DURATION_INVALID')).toBe(true)
          return (error as Error).message.replace(/^.*received /, 'received ')
        }
      })
      .join('\n')
    expect(messages).toMatchInlineSnapshot(`
      "received "fast".
      received "-5ms".
      received "5 parsecs".
      received "".
      received "  ".
      received "ms".
      received "5 m s".
      received "1e3ms".
      received "+5ms".
      received "5,5ms".
      received -1.
      received NaN.
      received Infinity.
      received null.
      received undefined.
      received true.
      received {}."
    `)
  })

  it('pins the messages for NaN and null', () => {
    // errors.ts shows received values as JSON, and JSON has no NaN: it reads "received null".
    expect(() => parseDuration(Number.NaN)).toThrowErrorMatchingInlineSnapshot(
      `[PerfgateError: perfgate: Expected a duration like "250us", "5ms" or "1.5s" (a bare number means ms), received NaN.]`,
    )
    expect(() => parseDuration(anything(null))).toThrowErrorMatchingInlineSnapshot(
      `[PerfgateError: perfgate: Expected a duration like "250us", "5ms" or "1.5s" (a bare number means ms), received null.]`,
    )
  })

  it('pins the messages for "-5ms", "5 parsecs" and ""', () => {
    expect(() => parseDuration('-5ms')).toThrowErrorMatchingInlineSnapshot(
      `[PerfgateError: perfgate: Expected a duration like "250us", "5ms" or "1.5s" (a bare number means ms), received "-5ms".]`,
    )
    expect(() => parseDuration('5 parsecs')).toThrowErrorMatchingInlineSnapshot(
      `[PerfgateError: perfgate: Expected a duration like "250us", "5ms" or "1.5s" (a bare number means ms), received "5 parsecs".]`,
    )
    expect(() => parseDuration('')).toThrowErrorMatchingInlineSnapshot(
      `[PerfgateError: perfgate: Expected a duration like "250us", "5ms" or "1.5s" (a bare number means ms), received "".]`,
    )
  })

  it('exports the pattern it parses with, for JSON Schema', () => {
    const re = new RegExp(DURATION_PATTERN)
    expect(['5ms', '1.5 s', '250µs', '2m'].every((s) => re.test(s))).toBe(true)
    expect(['fast', '-5ms', '5 parsecs', ''].some((s) => re.test(s))).toBe(false)
  })
})

describe('parseSize', () => {
  it.each([
    ['512 B', 512],
    ['512B', 512],
    ['512b', 512], // lower-case b is bytes, not bits
    ['10 kB', 10_000],
    ['10kb', 10_000],
    ['10 KB', 10_000],
    ['10 KiB', 10_240],
    ['10kib', 10_240],
    ['1.5 kB', 1500],
    ['1.2 MB', 1_200_000],
    ['1 MiB', 1_048_576],
    ['1.2 MiB', 1_258_291], // 1258291.2, rounded to whole bytes
    ['2 GB', 2e9],
    ['1 GiB', 1024 ** 3],
    ['0 B', 0],
    ['100', 100],
    [100, 100],
    [10.4, 10],
  ] as const)('%j is %d bytes', (input, bytes) => {
    expect(parseSize(input)).toBe(bytes)
  })

  it('rejects what is not a size', () => {
    expect(() => parseSize('big')).toThrowErrorMatchingInlineSnapshot(
      `[PerfgateError: perfgate: Expected a size like "512 B", "10 kB" or "1.2 MiB" (a bare number means bytes), received "big".]`,
    )
    expect(() => parseSize('-5 kB', 'budgets.size[0].gzip')).toThrowErrorMatchingInlineSnapshot(
      `[PerfgateError: perfgate: Expected a size like "512 B", "10 kB" or "1.2 MiB" (a bare number means bytes), received "-5 kB" at budgets.size[0].gzip.]`,
    )
    expect(() => parseSize('5 parsecs')).toThrowErrorMatchingInlineSnapshot(
      `[PerfgateError: perfgate: Expected a size like "512 B", "10 kB" or "1.2 MiB" (a bare number means bytes), received "5 parsecs".]`,
    )
    expect(() => parseSize('')).toThrowErrorMatchingInlineSnapshot(
      `[PerfgateError: perfgate: Expected a size like "512 B", "10 kB" or "1.2 MiB" (a bare number means bytes), received "".]`,
    )
    expect(() => parseSize('5 Kb/s')).toThrowError(/Expected a size/)
    expect(() => parseSize(Number.NaN)).toThrowError(/Expected a size/)
    expect(() => parseSize(anything(null))).toThrowErrorMatchingInlineSnapshot(
      `[PerfgateError: perfgate: Expected a size like "512 B", "10 kB" or "1.2 MiB" (a bare number means bytes), received null.]`,
    )
  })
})

describe('parsePercent', () => {
  it.each([
    ['5%', 0.05],
    ['0.1%', 0.001],
    ['0.07%', 0.0007], // no binary noise: 0.07 / 100 is 0.0007000000000000001 in floats
    [' 5 % ', 0.05],
    ['100%', 1],
    ['150%', 1.5],
    ['0%', 0],
    [0.05, 0.05],
    [0, 0],
    [1, 1],
  ] as const)('%j is %d', (input, fraction) => {
    expect(parsePercent(input)).toBe(fraction)
  })

  it('rejects what is not a percentage, and numbers outside [0, 1] as ambiguous', () => {
    expect(() => parsePercent('fast')).toThrowErrorMatchingInlineSnapshot(
      `[PerfgateError: perfgate: Expected a percentage like "0.1%" or "5%", received "fast".]`,
    )
    expect(() => parsePercent('-5%', 'regression.threshold')).toThrowErrorMatchingInlineSnapshot(
      `[PerfgateError: perfgate: Expected a percentage like "0.1%" or "5%", received "-5%" at regression.threshold.]`,
    )
    expect(() => parsePercent(5)).toThrowErrorMatchingInlineSnapshot(
      `[PerfgateError: perfgate: Expected a percentage like "0.1%" or "5%", received 5.]`,
    )
    expect(() => parsePercent('5')).toThrowErrorMatchingInlineSnapshot(
      `[PerfgateError: perfgate: Expected a percentage like "0.1%" or "5%", received "5".]`,
    )
    expect(() => parsePercent('')).toThrowError(/Expected a percentage/)
    expect(() => parsePercent(Number.NaN)).toThrowError(/Expected a percentage/)
    expect(() => parsePercent(anything(null))).toThrowError(/Expected a percentage/)
  })
})

describe('parseNumber', () => {
  it.each([
    ['10000', 10_000],
    [' 2.5 ', 2.5],
    [10_000, 10_000],
    [0, 0],
  ] as const)('%j is %d', (input, value) => {
    expect(parseNumber(input)).toBe(value)
  })

  it('rejects what is not a non-negative number', () => {
    expect(() => parseNumber('many', 'budgets.http[0].rps')).toThrowErrorMatchingInlineSnapshot(
      `[PerfgateError: perfgate: Expected a non-negative number like 10000 or "10000", received "many" at budgets.http[0].rps.]`,
    )
    for (const input of ['', '-1', '10k', '1e4', -1, Number.NaN, Number.POSITIVE_INFINITY, null]) {
      expect(() => parseNumber(anything(input))).toThrowError(/Expected a non-negative number/)
    }
  })
})

describe('parseBound', () => {
  it.each([
    ['>= 10000', parseNumber, { op: '>=', value: 10_000 }],
    ['>=10000', parseNumber, { op: '>=', value: 10_000 }],
    ['> 5', parseNumber, { op: '>', value: 5 }],
    ['< 0.1%', parsePercent, { op: '<', value: 0.001 }],
    ['<=5ms', parseDuration, { op: '<=', value: 5e6 }],
    ['  <=  5 ms ', parseDuration, { op: '<=', value: 5e6 }],
    ['≤ 5ms', parseDuration, { op: '<=', value: 5e6 }],
    ['≥ 2', parseNumber, { op: '>=', value: 2 }],
    ['5ms', parseDuration, { op: '<=', value: 5e6 }],
    [5, parseDuration, { op: '<=', value: 5e6 }],
  ] as const)('%j', (input, parse, bound) => {
    expect(parseBound(input, parse)).toEqual(bound)
  })

  it('gives a bare value the default operator', () => {
    expect(parseBound('10000', parseNumber, undefined, '>=')).toEqual({ op: '>=', value: 10_000 })
    expect(parseBound(10_000, parseNumber, undefined, '>=')).toEqual({ op: '>=', value: 10_000 })
  })

  it('names the accepted operators for an unknown one', () => {
    expect(() =>
      parseBound('=> 5', parseNumber, 'budgets.http[0].rps', '>='),
    ).toThrowErrorMatchingInlineSnapshot(
      `[PerfgateError: perfgate: Expected a bound like ">= 10000" or "< 0.1%": one of the operators <, <=, >, >= and a value (a bare value means >=), received "=> 5" at budgets.http[0].rps.]`,
    )
    expect(() => parseBound('== 5ms', parseDuration)).toThrowErrorMatchingInlineSnapshot(
      `[PerfgateError: perfgate: Expected a bound like ">= 10000" or "< 0.1%": one of the operators <, <=, >, >= and a value (a bare value means <=), received "== 5ms".]`,
    )
    expect(() => parseBound('<< 5ms', parseDuration)).toThrowError(/one of the operators <, <=, >, >=/)
    expect(() => parseBound('!= 5ms', parseDuration)).toThrowError(/one of the operators/)
    expect(() => parseBound(anything(null), parseDuration)).toThrowError(/one of the operators/)
  })

  it('lets the value parser explain a bad value', () => {
    expect(() =>
      parseBound('< fast', parseDuration, 'budgets.bench.x.p95'),
    ).toThrowErrorMatchingInlineSnapshot(
      `[PerfgateError: perfgate: Expected a duration like "250us", "5ms" or "1.5s" (a bare number means ms), received "fast" at budgets.bench.x.p95.]`,
    )
    expect(() => parseBound('>=', parseNumber)).toThrowError(/Expected a non-negative number/)
  })

  it('builds a JSON Schema pattern from a value pattern', () => {
    const re = new RegExp(boundPattern(DURATION_PATTERN))
    expect(['5ms', '<= 5ms', '>5 ms', '≥ 1s'].every((s) => re.test(s))).toBe(true)
    expect(['=> 5ms', '<< 5ms', '< fast', ''].some((s) => re.test(s))).toBe(false)
  })
})

describe('formatDuration', () => {
  it.each([
    [0, '0 ns'],
    [0.5, '0.500 ns'],
    [812, '812 ns'],
    [999.4, '999 ns'],
    [999.6, '1.00 µs'], // rounding to 1000 moves up a unit
    [12_345, '12.3 µs'],
    [2_456_789, '2.46 ms'],
    [2e6, '2.00 ms'],
    [1.5e9, '1.50 s'],
    [120e9, '120 s'],
    [1234e9, '1234 s'],
    [-2.46e6, '-2.46 ms'],
    [Number.NaN, 'NaN ns'],
  ])('%d ns is %s', (ns, text) => {
    expect(formatDuration(ns)).toBe(text)
  })

  it('round-trips through parseDuration within 1%', () => {
    for (let exponent = -1; exponent <= 12; exponent += 0.137) {
      const ns = 10 ** exponent
      expect(Math.abs(parseDuration(formatDuration(ns)) / ns - 1)).toBeLessThan(0.01)
    }
  })
})

describe('formatSize', () => {
  it.each([
    [0, '0 B'],
    [512, '512 B'],
    [999, '999 B'],
    [999.6, '1.00 kB'],
    [10_000, '10.0 kB'],
    [10_240, '10.2 kB'],
    [1_200_000, '1.20 MB'],
    [999_600, '1.00 MB'],
    [3.4e9, '3.40 GB'],
    [5e12, '5.00 TB'],
  ])('%d bytes is %s', (bytes, text) => {
    expect(formatSize(bytes)).toBe(text)
  })

  it('round-trips through parseSize within 1%', () => {
    for (let exponent = 0; exponent <= 12; exponent += 0.137) {
      const bytes = Math.round(10 ** exponent)
      expect(Math.abs(parseSize(formatSize(bytes)) / bytes - 1)).toBeLessThan(0.01)
    }
  })
})

describe('formatPercent', () => {
  it.each([
    [0.23, {}, '23%'],
    [0.001, {}, '0.1%'],
    [0.042, {}, '4.2%'],
    [0.042, { sign: true }, '+4.2%'],
    [-0.042, { sign: true }, '-4.2%'],
    [-0.042, {}, '-4.2%'],
    [0.05, {}, '5%'],
    [0.123, {}, '12%'],
    [0.123, { digits: 3 }, '12.3%'],
    [1.5, {}, '150%'],
    [0.0996, {}, '10%'],
    [0, { sign: true }, '0%'],
  ])('%d with %j is %s', (fraction, options, text) => {
    expect(formatPercent(fraction, options)).toBe(text)
  })

  it('round-trips through parsePercent', () => {
    for (const fraction of [0.001, 0.05, 0.23, 1.5])
      expect(parsePercent(formatPercent(fraction))).toBe(fraction)
  })
})

describe('formatRatio', () => {
  it.each([
    [1.234, '1.23×'],
    [12.5, '12.5×'],
    [0.5, '0.500×'],
    [1234.5, '1235×'],
  ])('%d is %s', (ratio, text) => {
    expect(formatRatio(ratio)).toBe(text)
  })
})
