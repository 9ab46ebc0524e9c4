import type { MessageKey } from '../../components/i18n';
import type { ScopePreset } from '../../lib/messages';

/** A preset's name and what it allows, in words: the new-key form and the Rotate dialog say them alike. */
export const PRESET_TEXT: Record<ScopePreset, [label: MessageKey, note: MessageKey]> = {
  'read-only': ['scope_preset_read_only', 'scope_preset_read_only_note'],
  trade: ['scope_preset_trade', 'scope_preset_trade_note'],
  full: ['scope_preset_full', 'scope_preset_full_note'],
};
