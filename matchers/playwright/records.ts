import type { TestInfo } from '@playwright/test'
import type { PerfRecord } from '../../src/results/result-sink.js'

/** Name of the attachments that carry perfgate's records from a test to perfgate's Playwright reporter. */
export const RECORD_ATTACHMENT = 'perfgate-record'

/**
 * Attach a record to the running test. Playwright hands attachments to reporters in its main
 * process, which is how `perfgate/playwright-reporter` sees what workers measured; they also
 * show in Playwright's HTML report next to the test.
 */
export async function attachRecord(testInfo: TestInfo, record: PerfRecord): Promise<void> {
  await testInfo.attach(RECORD_ATTACHMENT, {
    body: JSON.stringify(record),
    contentType: 'application/json',
  })
}
