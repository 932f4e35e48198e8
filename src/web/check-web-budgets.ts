import { createServer } from 'node:net'
import { relative } from 'node:path'
import type { Browser } from 'playwright-core'
import type { BudgetSource } from '../budget/verdict.js'
import type { LoadedConfig } from '../config/load-config.js'
import type { CustomWebProfile, WebBudget } from '../config/schema.js'
import { captureEnvironment } from '../env/capture-environment.js'
import { perfgateError } from '../errors.js'
import { serverPool } from '../server/server-pool.js'
import { chromiumArgs } from './browser-flags.js'
import { collectVitals } from './collect-vitals.js'
import {
  evaluateWebBudget,
  lighthouseLimits,
  vitalsLimits,
  type WebBudgetVerdict,
} from './evaluate-web-budget.js'
import { findChromium } from './find-chromium.js'
import { loadChromiumLauncher } from './load-playwright.js'
import { resolveProfile } from './profiles.js'
import { type LighthousePreset, runLighthouse } from './run-lighthouse.js'
import type { WebProfile, WebResult } from './types.js'

/** Throughput a custom profile gets when it throttles latency only: 1 Gbit/s, i.e. none to speak of. */
export const UNTHROTTLED_KBPS = 1_000_000

/** What `perfgate check` found for one web budget of package.json. */
export interface WebBudgetCheck {
  /** Index in `budgets.web`, and the budget itself. */
  index: number
  budget: WebBudget
  /** The page's name in reports: the budget's name, else its URL. */
  name: string
  /** What was measured: the vitals, and Lighthouse when the budget has Lighthouse targets. */
  results: WebResult[]
  /** One verdict per tool whose budget was set. */
  verdicts: WebBudgetVerdict[]
}

/** Options of {@link checkWebBudgets}. */
export interface CheckWebBudgetsOptions {
  /** Only budgets whose name or URL is one of these. */
  only?: readonly string[]
  /** Page loads per tool, over each budget's `runs`. */
  runs?: number
  /** The browser, over PERFGATE_CHROME, CHROME_PATH and the search. */
  executablePath?: string
  env?: NodeJS.ProcessEnv
  /** Progress lines ("home: Lighthouse 2/3 (6.1 s)"): a run takes seconds, people should see it move. */
  progress?: (line: string) => void
}

/**
 * Measure every web budget in the config and check it: start each budget's server command
 * (once for the budgets that share it) and stop it afterwards, launch one Chromium with a
 * DevTools port, collect the vitals of each page, run Lighthouse where the budget has Lighthouse
 * targets, and judge each against its budget with the source named as its key in package.json.
 */
export async function checkWebBudgets(
  loaded: LoadedConfig,
  options: CheckWebBudgetsOptions = {},
): Promise<WebBudgetCheck[]> {
  const progress = options.progress ?? (() => {})
  const env = options.env ?? process.env
  const all = loaded.config.budgets.web.map((budget, index) => ({ budget, index }))
  const chosen =
    options.only === undefined || options.only.length === 0
      ? all
      : all.filter(
          ({ budget }) =>
            options.only!.includes(budget.name ?? budget.url) || options.only!.includes(budget.url),
        )
  if (chosen.length === 0) return []

  const launcher = loadChromiumLauncher(loaded.root)
  const { executablePath } = findChromium({
    env,
    ...(options.executablePath === undefined ? {} : { executablePath: options.executablePath }),
  })
  const port = await freePort()
  const browser = await launcher.launch({ executablePath, args: chromiumArgs({ debuggingPort: port }) })
  const checks: WebBudgetCheck[] = []
  const servers = serverPool(loaded.root, env, progress)
  try {
    const measuredEnv = captureEnvironment({ cwd: loaded.root, env })
    for (const [position, { budget, index }] of chosen.entries()) {
      await servers.serve(budget)
      checks.push(
        await checkOne(browser, port, executablePath, budget, index, loaded, measuredEnv, options, progress),
      )
      await servers.release(
        budget,
        chosen.slice(position + 1).map((c) => c.budget),
      )
    }
  } finally {
    await servers.stopAll()
    await browser.close()
  }
  return checks
}

async function checkOne(
  browser: Browser,
  port: number,
  executablePath: string,
  budget: WebBudget,
  index: number,
  loaded: LoadedConfig,
  env: WebResult['env'],
  options: CheckWebBudgetsOptions,
  progress: (line: string) => void,
): Promise<WebBudgetCheck> {
  const name = budget.name ?? budget.url
  const runs = options.runs ?? budget.runs
  const profile = profileOf(budget, index)
  const common = {
    name,
    ...(runs === undefined ? {} : { runs }),
    ...(budget.aggregation === undefined ? {} : { aggregation: budget.aggregation }),
  }
  const results: WebResult[] = []
  const verdicts: WebBudgetVerdict[] = []
  const file = loaded.file === null ? 'package.json' : relative(loaded.root, loaded.file) || loaded.file
  const source = (part: string): BudgetSource => ({
    kind: 'config',
    file,
    key: `budgets.web[${index}].${part}`,
  })

  progress(`${name}: Web Vitals (${profile.name}) …`)
  const page = await browser.newPage()
  try {
    const vitals = await collectVitals(page, budget.url, { ...common, profile, executablePath, env })
    results.push(vitals)
    if (budget.vitals !== undefined) {
      verdicts.push(evaluateWebBudget(vitals, vitalsLimits(budget.vitals), source('vitals')))
    }
  } finally {
    await page.close()
  }

  if (budget.lighthouse !== undefined) {
    const preset = presetOf(profile, index)
    const report = await runLighthouse(
      { url: budget.url, port },
      {
        ...common,
        preset,
        executablePath,
        onRun: (run, total, ms) =>
          progress(`${name}: Lighthouse ${run}/${total} (${(ms / 1000).toFixed(1)} s)`),
      },
    )
    results.push(report)
    const where = `perfgate.budgets.web[${index}].lighthouse in ${file}`
    verdicts.push(
      evaluateWebBudget(report, lighthouseLimits(budget.lighthouse, report, where), source('lighthouse')),
    )
  }
  return { index, budget, name, results, verdicts }
}

/** The budget's profile as the measuring code takes it; "desktop" when none is set. */
export function profileOf(budget: Pick<WebBudget, 'profile'>, index: number): WebProfile {
  const profile = budget.profile
  if (profile === undefined || typeof profile === 'string') {
    return resolveProfile(profile, `budgets.web[${index}].profile`)
  }
  return resolveProfile(customProfile(profile), `budgets.web[${index}].profile`)
}

function customProfile(p: CustomWebProfile): WebProfile {
  const throttled = p.latency !== undefined || p.downloadKbps !== undefined || p.uploadKbps !== undefined
  return {
    name: p.name,
    viewport: { width: p.width, height: p.height },
    deviceScaleFactor: p.deviceScaleFactor ?? 1,
    mobile: p.mobile ?? false,
    cpuSlowdown: p.cpuSlowdown ?? 1,
    network: throttled
      ? {
          latencyMs: (p.latency?.ns ?? 0) / 1e6,
          downloadKbps: p.downloadKbps ?? UNTHROTTLED_KBPS,
          uploadKbps: p.uploadKbps ?? UNTHROTTLED_KBPS,
        }
      : null,
  }
}

/** Lighthouse emulates its own two presets; a custom profile has no Lighthouse counterpart. */
function presetOf(profile: WebProfile, index: number): LighthousePreset {
  if (profile.name === 'desktop' || profile.name === 'mobile') return profile.name
  throw perfgateError('WEB_OPTIONS_INVALID', {
    fn: `budgets.web[${index}]`,
    problem: `Lighthouse targets need the "desktop" or "mobile" profile, and the profile is the custom "${profile.name}"`,
    fix: 'Lighthouse emulates only its own presets: put the Lighthouse targets in a second budget for the same url with "profile": "desktop" or "mobile".',
  })
}

/** A port nobody listens on now: Chromium needs a number up front for its DevTools port. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.unref()
    server.on('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() =>
        typeof address === 'object' && address !== null
          ? resolve(address.port)
          : reject(new Error('no port')),
      )
    })
  })
}
