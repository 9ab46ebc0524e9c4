/**
 * The key manager: everything the background does with keys — list and reconcile with Kalshi,
 * mint, rotate, switch, forget, delete, import, read the account — one file per group of handlers
 * (service.ts assembles them). api.ts is what it offers the pages, as plain data.
 *
 * May import: lib/shared, lib/key-formats, lib/kalshi, lib/key-store. Only the background
 * (entrypoints/background.ts) calls it, through lib/messages.
 */
export { createKeyService, summarize, type Handlers, type KeyServiceDeps } from './service';
