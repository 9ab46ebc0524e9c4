/** t(), tNodes() and localizeError(), played against the English messages file. */
import { describe, expect, it } from 'vitest';
import { createTranslator } from '../../components/i18n';
import { english } from '../helpers/english';
import { ERROR_CODES } from '../../lib/shared/errors';
import { messages } from '../helpers/i18n-fixtures';

describe('t()', () => {
  // The browser's getMessage, played by one that reads the English file the same way.
  const { t, tNodes, localizeError } = createTranslator(english);
  it('fills placeholders in the message’s order and keeps a $ in a substitution', () => {
    expect(t('popup_deleted', 'laptop', 'Demo')).toBe('Deleted “laptop” on Kalshi Demo.');
    expect(t('popup_test_ok', 'bot', '$1,000.00')).toBe('“bot” works: Kalshi accepted a signed request (balance $1,000.00).');
    expect(t('time_minutes_ago', 5)).toBe('5 min ago');
    expect(english('no_such_key')).toBe('');
    expect(t('no_such_key' as never)).toBe('no_such_key');
  });

  it('tNodes puts elements where their placeholders are', () => {
    const code = { type: 'code' };
    expect(tNodes('popup_delete_body', 'Demo', code)).toEqual([
      'Kalshi Demo will stop accepting key ',
      code,
      ' at once. This cannot be undone.',
    ]);
  });

  it('an error is shown in words chosen by its code; its detail stays as sent', () => {
    const info = localizeError({ code: 'not_pem', detail: 'on external-api.kalshi.com' });
    expect(info).toEqual({
      code: 'not_pem',
      message: messages.error_not_pem!.message,
      hint: messages.error_not_pem_hint!.message,
      detail: 'on external-api.kalshi.com',
    });
    // A code this page does not know (a newer background): the code itself, never a blank.
    expect(localizeError({ code: 'something_new' } as never)).toEqual({ code: 'something_new', message: 'something_new', hint: '' });
  });

  it('every error code has words and a hint', () => {
    for (const code of ERROR_CODES) {
      expect(messages[`error_${code}`]?.message, code).toBeTruthy();
      expect(messages[`error_${code}_hint`]?.message, code).toBeTruthy();
    }
  });
});
