/**
 * The toolbar badge: something needs the user (attention.ts); its title says what. Drawn through
 * the browser's `action`, in the words of `i18n.getMessage`, both passed in by the background (so
 * nothing here touches a browser global).
 */
import type { BadgePort, BadgeReason } from './attention';

/** Each reason's line in the badge's title (public/_locales/<locale>/messages.json). */
export const BADGE_WORDS = {
  attestation_expiring: 'badge_attestation_expiring',
  attestation_expired: 'badge_attestation_expired',
  upload_grant_ending: 'badge_upload_grant_ending',
  signing_key_failing: 'badge_signing_key_failing',
} as const satisfies Record<BadgeReason, string>;

/** The words the badge uses: each reason's, and the extension's name before them. */
export type BadgeWord = (typeof BADGE_WORDS)[BadgeReason] | 'extName';

/** What the badge needs of `browser.action`. */
export interface BadgeAction {
  setBadgeText(details: { text: string }): Promise<void>;
  setBadgeBackgroundColor(details: { color: string }): Promise<void>;
  setTitle(details: { title: string }): Promise<void>;
}

/** Draws the badge: '!' in red while any reason holds, each reason a line of the title; none clears both. */
export function createBadge(action: BadgeAction, getMessage: (name: BadgeWord) => string): BadgePort {
  return (reasons) => {
    const title = reasons.map((r) => getMessage(BADGE_WORDS[r])).join('\n');
    void action.setBadgeText({ text: reasons.length > 0 ? '!' : '' });
    void action.setBadgeBackgroundColor({ color: '#b42318' });
    void action.setTitle({ title: title ? `${getMessage('extName')}: ${title}` : '' });
  };
}
