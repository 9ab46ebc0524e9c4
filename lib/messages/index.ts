/**
 * The message boundary: what the extension's pages may use. Pages (entrypoints/popup,
 * entrypoints/options, components/) import from here and lib/shared only, never from the key
 * store, the key formats, the signer or the key manager itself (tests/unit/layers.test.ts).
 *
 * May import: lib/shared, lib/kalshi (the rules a page checks before sending: scopes, tiers, host
 * access), and types only from lib/key-manager, lib/key-formats and lib/key-store.
 */
export type * from '../key-manager/api';
export type { NewKeyOptions, OneTimeSecret } from '../key-manager/minting';
export type { RotationReport } from '../key-manager/rotation';
export type { KeyAlgorithm } from '../key-formats/pem';
export type { MessageType, Reply, RequestOf, ResponseOf } from './protocol';
export { PRESETS, SCOPES, canManageKeys, canMoveMoney, narrowerPresets, type Scope, type ScopePreset } from '../kalshi/scopes';
export { tierLabel, type KeySource } from '../kalshi/tiers';
export { hasHostAccess, hostOriginsOf, requestHostAccess } from '../kalshi/host-access';
export { parseSnapshot, type EnvironmentSnapshot, type PopupSnapshot } from './snapshot';
