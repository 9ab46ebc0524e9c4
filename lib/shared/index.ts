/**
 * The words every layer shares: Kalshi's two environments and their hosts, and the typed errors
 * (AppError, ErrorInfo) that carry what went wrong to the user's screen.
 *
 * May import: nothing of ours. Everything may import it.
 */
export * from './environments';
export * from './errors';
