import { setTimeout as sleep } from 'node:timers/promises'
import { describe, expect, it, type describe as VitestDescribe, type test as VitestTest } from 'vitest'
import {
  baseCollection,
  blockName,
  collectBase,
  fullTestName,
} from '../../matchers/vitest/base-collection.js'
import { perfTest } from '../../matchers/vitest/perf-test.js'
import * as shim from '../../matchers/vitest/vitest-base-shim.js'

/*
 * These tests run inside real Vitest tests: the real perfTest, called outside a collection, would
 * declare a test. So perfTest is only ever called inside collectBase's load function.
 */

// Typed as a base file sees them: its code is checked against the real Vitest, whose calls take
// arguments the stand-in's no-op members do not declare.
const shimDescribe = shim.describe as unknown as typeof VitestDescribe
const shimTest = shim.test as unknown as typeof VitestTest
const shimIt = shim.it as unknown as typeof VitestTest
const shimBeforeAll = shim.beforeAll

const work = () => 1
const other = () => 2

describe('collectBase with the vitest stand-in', () => {
  it('keys perfTests by their describe names and their own, joined by " > "', async () => {
    const collected = await collectBase(async () => {
      shimDescribe('outer', () => {
        shimDescribe('inner', () => {
          perfTest('name', work)
        })
        perfTest('beside inner', other)
      })
      perfTest('top level', work)
    })
    // Blocks run after the code that declared them, as Vitest collects them: the order of the
    // map is not the file's, and nothing depends on it.
    expect([...collected.keys()].sort()).toEqual([
      'outer > beside inner',
      'outer > inner > name',
      'top level',
    ])
    expect(collected.get('outer > inner > name')!.fn).toBe(work)
    expect(collected.get('outer > beside inner')!.fn).toBe(other)
  })

  it('keeps the setup and teardown hooks with the function, and no other option', async () => {
    const setup = () => ({ data: [3, 1, 2] })
    const teardown = () => {}
    const collected = await collectBase(async () => {
      perfTest('with hooks', work, { setup, teardown, time: '1s', budget: { p95: '1ms' } })
      perfTest('without', other, { time: '1s' })
    })
    expect(collected.get('with hooks')).toStrictEqual({ fn: work, setup, teardown })
    expect(collected.get('without')).toStrictEqual({ fn: other })
  })

  it('declares no test and never runs a test body', async () => {
    let ran = false
    const body = () => {
      ran = true
      perfTest('inside a test', work)
    }
    const collected = await collectBase(async () => {
      expect(shimTest('plain', body)).toBeUndefined()
      shimIt('plain too', body)
      shimTest.skip('skipped', body)
      shimTest.only('only', body)
      shimTest.each([1, 2])('row %i', body)
      shimTest.skipIf(false)('not skipped', body)
      shimTest.extend({})('extended', body)
    })
    expect(ran).toBe(false)
    expect(collected.size).toBe(0)
  })

  it('runs no skipped describe body, and runs the others', async () => {
    const ran: string[] = []
    const block = (name: string) => () => {
      ran.push(name)
      perfTest('p', work)
    }
    const collected = await collectBase(async () => {
      shimDescribe.skip('skip', block('skip'))
      shimDescribe.todo('todo', block('todo'))
      shimDescribe.skipIf(true)('skipIf true', block('skipIf true'))
      shimDescribe.skipIf(false)('skipIf false', block('skipIf false'))
      shimDescribe.runIf(false)('runIf false', block('runIf false'))
      shimDescribe.runIf(true)('runIf true', block('runIf true'))
      shimDescribe.only('only', block('only'))
      shimDescribe.concurrent('concurrent', block('concurrent'))
    })
    expect(ran).toEqual(['skipIf false', 'runIf true', 'only', 'concurrent'])
    expect([...collected.keys()]).toEqual([
      'skipIf false > p',
      'runIf true > p',
      'only > p',
      'concurrent > p',
    ])
  })

  it('finds the body in each of the forms Vitest takes: (name, fn), (name, fn, timeout), (name, options, fn)', async () => {
    const collected = await collectBase(async () => {
      shimDescribe('plain', () => perfTest('p', work))
      shimDescribe('timeout last', () => perfTest('p', work), 5_000)
      shimDescribe('options first', { timeout: 5_000 }, () => perfTest('p', work))
    })
    expect([...collected.keys()]).toEqual(['plain > p', 'timeout last > p', 'options first > p'])
  })

  it('names a block given a function or class by its name, as Vitest does', async () => {
    function parseJson() {}
    class Tokenizer {}
    const collected = await collectBase(async () => {
      shimDescribe(parseJson, () => perfTest('small', work))
      shimDescribe(Tokenizer, () => perfTest('large', work))
    })
    expect([...collected.keys()]).toEqual(['parseJson > small', 'Tokenizer > large'])
  })

  it('fails the collection when a block throws, as Vitest fails the file, and closes it', async () => {
    await expect(
      collectBase(async () => {
        perfTest('before', work)
        shimDescribe('broken', () => {
          throw new Error('in the block')
        })
      }),
    ).rejects.toThrow('in the block')
    expect(baseCollection()).toBeUndefined()
  })

  it('names perfTests declared after an await in a block, and never interleaves async siblings', async () => {
    const collected = await collectBase(async () => {
      shimDescribe('a', async () => {
        perfTest('before', work)
        await sleep(5)
        perfTest('after await', work)
        shimDescribe('nested after await', () => perfTest('x', work))
      })
      shimDescribe('b', async () => {
        await sleep(1)
        perfTest('b after await', other)
      })
    })
    expect([...collected.keys()].sort()).toEqual([
      'a > after await',
      'a > before',
      'a > nested after await > x',
      'b > b after await',
    ])
  })

  it('runs the beforeAll hooks after the load, in order, each awaited, before it resolves', async () => {
    const events: string[] = []
    const collecting = collectBase(async () => {
      shimBeforeAll(async () => {
        await sleep(20)
        events.push('hook 1')
      })
      shimDescribe('block', () => {
        shimBeforeAll(() => {
          events.push('hook 2')
        })
      })
      events.push('loaded')
    })
    await collecting
    expect(events).toEqual(['loaded', 'hook 1', 'hook 2'])
  })

  it('awaits an async describe body before the hooks and before it resolves', async () => {
    const events: string[] = []
    const collected = await collectBase(async () => {
      shimDescribe('async block', async () => {
        perfTest('before the await', work)
        await sleep(20)
        events.push('body done')
      })
      shimBeforeAll(() => {
        events.push('hook')
      })
      events.push('loaded')
    })
    expect(events).toEqual(['loaded', 'body done', 'hook'])
    expect([...collected.keys()]).toEqual(['async block > before the await'])
  })

  it('opens the collection for the load only', async () => {
    expect(baseCollection()).toBeUndefined()
    let during: unknown
    let inHook: unknown = 'not run'
    await collectBase(async () => {
      during = baseCollection()
      shimBeforeAll(() => {
        inHook = baseCollection()
      })
    })
    expect(during).toBeDefined()
    expect(baseCollection()).toBeUndefined()
    // Hooks run once the import is done, with the collection closed.
    expect(inHook).toBeUndefined()
  })

  it('closes the collection when the load throws, runs no hook, and passes the error on', async () => {
    let hookRan = false
    const failing = collectBase(async () => {
      shimBeforeAll(() => {
        hookRan = true
      })
      perfTest('declared first', work)
      throw new Error('base file failed to import')
    })
    await expect(failing).rejects.toThrow('base file failed to import')
    expect(baseCollection()).toBeUndefined()
    expect(hookRan).toBe(false)
  })

  it('records nothing for perfTest.skip, and perfTest.only like perfTest', async () => {
    const collected = await collectBase(async () => {
      shimDescribe('block', () => {
        perfTest.skip('skipped', work)
        perfTest.only('only', other)
      })
    })
    expect([...collected.keys()]).toEqual(['block > only'])
    expect(collected.get('block > only')!.fn).toBe(other)
  })

  it('gives each collection a fresh start', async () => {
    await collectBase(async () => {
      perfTest('first run', work)
    })
    const second = await collectBase(async () => {
      perfTest('second run', work)
    })
    expect([...second.keys()]).toEqual(['second run'])
  })
})

describe('the vitest stand-in outside a collection', () => {
  it('runs no describe body and keeps no hook', async () => {
    let ran = false
    shimDescribe('outside', () => {
      ran = true
    })
    shimBeforeAll(() => {
      ran = true
    })
    // A later collection does not pick up the hook given before it opened.
    await collectBase(async () => {})
    expect(ran).toBe(false)
  })
})

describe('fullTestName and blockName', () => {
  it('joins describe names and the test name with " > "', () => {
    expect(fullTestName(['a', 'b'], 'c')).toBe('a > b > c')
    expect(fullTestName([], 'c')).toBe('c')
  })

  it('names a function by its name, an anonymous one as Vitest does, and anything else by String()', () => {
    expect(blockName(function namedBlock() {})).toBe('namedBlock')
    expect(blockName((() => () => {})())).toBe('<anonymous>')
    expect(blockName(42)).toBe('42')
    expect(blockName('text')).toBe('text')
  })
})
