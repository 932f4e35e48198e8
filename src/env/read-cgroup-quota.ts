import { posix } from 'node:path'
import type { ReadFile } from './types.js'

const CGROUP_ROOT = '/sys/fs/cgroup'
// cgroup v1 mounts the cpu controller under one of these names, depending on the distribution.
const V1_CPU_MOUNTS = ['cpu', 'cpu,cpuacct', 'cpuacct,cpu']

/**
 * The CPU quota cgroups put on this process, in cores (e.g. 1.5 for "150000 100000"); null when
 * unlimited or unreadable. Reads cgroup v2 `cpu.max` first, then v1 `cpu.cfs_quota_us` /
 * `cpu.cfs_period_us`. A limit on any ancestor cgroup applies too, so every level from the
 * process's own cgroup up to the root is read and the smallest quota wins.
 */
export function readCgroupQuota(readFile: ReadFile): number | null {
  const membership = parseProcSelfCgroup(readFile('/proc/self/cgroup'))

  const v2 = quotaAlongPath(CGROUP_ROOT, membership.v2, (dir) =>
    parseCpuMax(readFile(posix.join(dir, 'cpu.max'))),
  )
  if (v2.found) return v2.quota

  for (const mount of V1_CPU_MOUNTS) {
    const v1 = quotaAlongPath(posix.join(CGROUP_ROOT, mount), membership.v1Cpu, (dir) =>
      parseCfsQuota(
        readFile(posix.join(dir, 'cpu.cfs_quota_us')),
        readFile(posix.join(dir, 'cpu.cfs_period_us')),
      ),
    )
    if (v1.found) return v1.quota
  }
  return null
}

/** Parsed cgroup v2 `cpu.max`: cores, null for "max", undefined when absent or malformed. */
export function parseCpuMax(text: string | undefined): number | null | undefined {
  if (text === undefined) return undefined
  const [quota, period] = text.trim().split(/\s+/)
  if (quota === 'max') return null
  return toCores(Number(quota), Number(period ?? '100000'))
}

/** Parsed cgroup v1 quota and period: cores, null for -1 (unlimited), undefined when absent. */
export function parseCfsQuota(
  quotaText: string | undefined,
  periodText: string | undefined,
): number | null | undefined {
  if (quotaText === undefined) return undefined
  const quota = Number(quotaText.trim())
  if (quota === -1) return null
  return toCores(quota, Number((periodText ?? '100000').trim()))
}

function toCores(quota: number, period: number): number | undefined {
  if (!Number.isFinite(quota) || !Number.isFinite(period) || quota <= 0 || period <= 0) return undefined
  // Round away float noise (150000 / 100000 is exact, but 33333 / 100000 is not worth 17 digits).
  return Math.round((quota / period) * 1000) / 1000
}

/**
 * Walk from the process's cgroup directory under `root` up to `root`. `found` is true when any
 * level had a readable quota file; `quota` is the smallest limit seen (null when every readable
 * level was unlimited).
 */
function quotaAlongPath(
  root: string,
  cgroupPath: string | null,
  read: (dir: string) => number | null | undefined,
): { found: boolean; quota: number | null } {
  let found = false
  let quota: number | null = null
  const start = posix.join(root, cgroupPath ?? '/').replace(/\/+$/, '')
  // A path that escapes the root (a cgroup outside this namespace shows as "/../..") starts at the root.
  let current = start.startsWith(`${root}/`) ? start : root
  for (;;) {
    const value = read(current)
    if (value !== undefined) {
      found = true
      if (value !== null && (quota === null || value < quota)) quota = value
    }
    if (current === root) break
    current = posix.dirname(current)
  }
  return { found, quota }
}

/**
 * The process's cgroup paths from /proc/self/cgroup: the v2 line is "0::/path", v1 lines are
 * "N:controller,list:/path". Inside a container with its own cgroup namespace both are "/".
 */
function parseProcSelfCgroup(text: string | undefined): { v2: string | null; v1Cpu: string | null } {
  let v2: string | null = null
  let v1Cpu: string | null = null
  for (const line of text?.split('\n') ?? []) {
    const match = /^(\d+):([^:]*):(.*)$/.exec(line.trim())
    if (!match) continue
    const [, id, controllers = '', path = '/'] = match
    if (id === '0' && controllers === '') v2 = path
    else if (controllers.split(',').includes('cpu')) v1Cpu = path
  }
  return { v2, v1Cpu }
}
