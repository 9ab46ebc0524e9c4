/**
 * The words every layer shares: Kalshi's two environments and their hosts, the typed errors
 * (AppError, ErrorInfo) that carry what went wrong to the user's screen, and calendar days in the
 * user's zone with their words (calendar.ts), for the background and the pages alike, CSV text
 * (csv.ts), and ids from outside that may key a plain object (record-keys.ts).
 *
 * May import: nothing of ours. Everything may import it.
 */
export * from './environments';
export * from './errors';
export * from './calendar';
export * from './csv';
export * from './record-keys';
export * from './grant';
