/**
 * The key service and the popup's copy the worker keeps (lib/popup-shell): the popup's keepScreen
 * message, checked on arrival, and Forget and Delete dropping the copy before they act, so no open
 * after them shows a key that is gone.
 */
import { describe, expect, it } from 'vitest';
import { route } from '../../lib/messages/router';
import type { CopiedElement } from '../../lib/popup-shell/screen-copy';
import { createPopupShell } from '../../lib/popup-shell/shell';
import { memoryScreenStore } from '../helpers/screen-store';
import { useHarness } from '../helpers/service-harness';

const h = useHarness();
const self = { id: 'abcdefghijklmnopabcdefghijklmnop', origin: 'chrome-extension://abcdefghijklmnopabcdefghijklmnop' };
const popup = { id: self.id, url: `${self.origin}/popup.html` };
const copyNaming = (name: string): CopiedElement => ['main', { class: 'popup' }, [['ul', {}, [['li', {}, [name]]]]]];

/** The service with a shell over an in-memory storage.session. */
function withShell() {
  const session = memoryScreenStore();
  const packaged = async () => new Response('<body><div id="app"></div></body>');
  const shell = createPopupShell(session, packaged);
  const service = h.make({ screen: shell });
  const served = async () => (await shell.respond(new Request(`${self.origin}/popup.html`))).text();
  return { session, service, served };
}

describe('the copy the worker keeps', () => {
  it('keepScreen from our popup keeps it; a malformed copy is refused and keeps nothing', async () => {
    const { session, service, served } = withShell();
    expect(await route(service, { type: 'keepScreen', data: { screen: copyNaming('sandbox') } }, popup, self)).toEqual({
      ok: true,
      value: { kept: true },
    });
    expect(session.value).toEqual(copyNaming('sandbox'));
    expect(await served()).toContain('<li>sandbox</li>');

    for (const screen of [null, 'text', ['main', {}], ['script', {}, []], ['main', { onclick: 'x' }, []], ['main', {}, [42]]]) {
      const reply = await route(service, { type: 'keepScreen', data: { screen } }, popup, self);
      expect(reply, JSON.stringify(screen)).toEqual({ ok: false, error: { code: 'invalid_request', detail: 'Not a copy of the popup.' } });
    }
    expect(session.value).toEqual(copyNaming('sandbox'));
    // From a web page: refused before anything runs.
    const web = { url: 'https://evil.example/' };
    expect(await route(service, { type: 'keepScreen', data: { screen: copyNaming('evil') } }, web, self)).toMatchObject({ ok: false });
    expect(session.value).toEqual(copyNaming('sandbox'));
  });

  it('Forget and Delete drop it before they act', async () => {
    const { session, service, served } = withShell();
    const account = h.exchange.seedAccount('demo', { name: 'sandbox' });
    await service.importKey({ environment: 'demo', keyId: account.keyId, pem: account.privateKeyPem });
    const bot = h.exchange.seedAccount('demo', { name: 'bot', keyType: 'ed25519' });

    await service.keepScreen({ screen: copyNaming('bot') });
    await service.deleteApiKey({ environment: 'demo', keyId: bot.keyId, confirmLockout: false });
    expect(session.value).toBeUndefined();
    expect(await served()).not.toContain('bot');

    await service.keepScreen({ screen: copyNaming('sandbox') });
    await service.forgetKey({ environment: 'demo', keyId: account.keyId, confirmLockout: true });
    expect(session.value).toBeUndefined();
    expect(await served()).not.toContain('sandbox');
  });
});
