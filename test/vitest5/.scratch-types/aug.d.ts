import 'vitest'
declare module 'vitest' {
  interface Matchers {
    toMeetBudget(budget: { p95?: string }): Promise<void>
  }
  interface Assertion {
    toBeFasterThan(other: unknown, options?: { by?: string; delta?: number }): Promise<void>
  }
}
