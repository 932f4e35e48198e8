import { formatBytes, formatCores } from './environment-warnings.js'
import type { Environment } from './types.js'

const SEPARATOR = ' · '

/**
 * The environment in one line, for failure messages:
 * `node 20.20.2 · linux x64 · 2 × AMD EPYC @ 2.4 GHz (load 0.9) · CI: GitHub Actions · git abc1234*`.
 * A `*` after the commit marks uncommitted changes; warning codes follow a ⚠ at the end.
 */
export function formatEnvironmentLine(env: Environment): string {
  const parts = [
    `node ${env.runtime.version}`,
    `${env.os.platform} ${env.os.arch}`,
    `${formatCpu(env)}${env.cpu.quotaCores === null ? '' : `, quota ${formatCores(env.cpu.quotaCores)}`} (load ${env.load.avg1.toFixed(1)})`,
  ]
  if (env.ci) parts.push(`CI: ${env.ci.name}`)
  if (env.git) parts.push(`git ${env.git.commit.slice(0, 7)}${env.git.dirty ? '*' : ''}`)
  if (env.warnings.length > 0) parts.push(`⚠ ${env.warnings.map((warning) => warning.code).join(', ')}`)
  return parts.join(SEPARATOR)
}

/** The environment field by field, then its warnings, for `perfgate env`. */
export function formatEnvironment(env: Environment): string {
  const { runtime, os, cpu, memory, load, ci, git, timer } = env
  const flags = [
    runtime.execArgv.length > 0 ? runtime.execArgv.join(' ') : null,
    runtime.nodeOptions !== null ? `NODE_OPTIONS=${runtime.nodeOptions}` : null,
  ].filter((flag) => flag !== null)
  const rows: [string, string][] = [
    ['perfgate', env.perfgateVersion],
    ['Captured', env.capturedAt],
    ['Node.js', `${runtime.version} (V8 ${runtime.v8})`],
    ['Flags', flags.length > 0 ? flags.join('; ') : 'none'],
    ['OS', `${os.platform} ${os.arch}, release ${os.release}${os.kernel ? ` (${os.kernel})` : ''}`],
    ['CPU', formatCpu(env)],
    ['Governor', cpu.governor ?? 'unknown'],
    ['CPU quota', cpu.quotaCores === null ? 'none' : formatCores(cpu.quotaCores)],
    ['Memory', `${formatBytes(memory.freeBytes)} available of ${formatBytes(memory.totalBytes)}`],
    ['Load', `${load.avg1.toFixed(2)} ${load.avg5.toFixed(2)} ${load.avg15.toFixed(2)} (1, 5, 15 min)`],
    ['Timer', `resolution ${formatNs(timer.resolutionNs)}, ${formatNs(timer.costNs)} per reading`],
    ['CI', ci?.name ?? 'none'],
    [
      'Git',
      git
        ? `${git.commit}${git.branch ? ` (${git.branch})` : ''}${git.dirty ? ', uncommitted changes' : ''}`
        : 'not a git work tree',
    ],
  ]
  const width = Math.max(...rows.map(([label]) => label.length)) + 2
  const lines = rows.map(([label, value]) => `${label.padEnd(width)}${value}`)
  for (const warning of env.warnings) lines.push(`⚠ ${warning.message}`)
  return lines.join('\n')
}

function formatCpu(env: Environment): string {
  const { count, model, speedMHz } = env.cpu
  // Intel model names already end in the nominal speed ("… CPU @ 2.20GHz"); say it once.
  const named = /\d\s*GHz/i.test(model)
  const speed = speedMHz !== null && speedMHz > 0 && !named ? ` @ ${(speedMHz / 1000).toFixed(1)} GHz` : ''
  return `${count} × ${model}${speed}`
}

function formatNs(ns: number): string {
  return ns >= 1000 ? `${(ns / 1000).toFixed(1)} µs` : `${Math.round(ns)} ns`
}
