import { expect } from 'vitest'
import './aug'
export async function f() {
  await expect(() => 1).toMeetBudget({ p95: '2ms' })
  await expect(() => 1).toBeFasterThan(() => 2, { by: '20%' })
  // @ts-expect-error wrong key type
  await expect(() => 1).toMeetBudget({ p95: 2 })
}
