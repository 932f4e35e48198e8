import type { IncomingMessage, Server, ServerResponse } from 'node:http'

/** The delay of /api/users-slow, ms. */
export declare const SLOW_DELAY_MS: number
/** How long the one-at-a-time backend of /api/report takes per request, ms. */
export declare const REPORT_SERVICE_MS: number
/** The request handler; `delayMs` is added to every response. */
export declare function handler(
  delayMs?: number,
): (req: IncomingMessage, res: ServerResponse) => Promise<void>
/** Start the API on 127.0.0.1; port 0 picks a free one. */
export declare function listen(port?: number, delayMs?: number): Promise<Server>
