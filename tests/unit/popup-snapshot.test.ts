/**
 * The popup's first paint: the snapshot it reads back from web storage (lib/messages/snapshot.ts)
 * and the copy of its last screen (lib/popup-shell/screen-copy.ts). Both come back from storage
 * any extension page can write: only the expected shapes, tags and attributes get through.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseSnapshot, type PopupSnapshot } from '../../lib/messages';
import { capture } from '../../lib/popup-shell/capture';
import { FIRST_SCREEN_ROWS, isCopied, type CopiedElement } from '../../lib/popup-shell/screen-copy';

const key = (i: number) => ({
  keyId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
  name: `bot ${i}`,
  scopes: ['read'],
  subaccount: null,
  lastVerifiedAt: null,
});
const summary = { ...key(0), environment: 'demo', algorithm: 'RSA-PSS', createdAt: 1, lastVerifiedAt: 2 };
const snapshot = (keys = 1): PopupSnapshot => ({
  active: 'demo',
  byEnvironment: {
    demo: {
      signingKey: summary as never,
      heldKeys: [summary as never],
      keys: Array.from({ length: keys }, (_, i) => ({ ...key(i), held: i === 0, signing: i === 0 })),
      account: { tier: 'premier', keySource: 'local', uploadRefused: false },
      accounts: [
        { id: 'c0mm-1d-a', name: 'personal', heldKeys: 1 },
        { id: 'c0mm-1d-b', name: null, heldKeys: 3 },
      ],
    },
  },
});

describe('the snapshot read back', () => {
  it('comes back as written, a thousand keys included', () => {
    for (const n of [1, 1000]) expect(parseSnapshot(JSON.parse(JSON.stringify(snapshot(n))))).toEqual(snapshot(n));
  });

  it('keeps a held key’s type; a type the list has no words for is refused', () => {
    const withType = (algorithm: unknown) => {
      const s = snapshot(2);
      const [held, other] = s.byEnvironment.demo!.keys!;
      return { ...s, byEnvironment: { demo: { ...s.byEnvironment.demo, keys: [{ ...held, algorithm }, other] } } };
    };
    for (const algorithm of ['Ed25519', 'RSA-PSS']) {
      const parsed = parseSnapshot(JSON.parse(JSON.stringify(withType(algorithm))));
      expect(parsed?.byEnvironment.demo?.keys?.map((k) => k.algorithm)).toEqual([algorithm, undefined]);
    }
    for (const bad of ['DSA', 5, null, 'ed25519']) expect(parseSnapshot(withType(bad))).toBeNull();
  });

  it('carries the account health the popup showed; a tampered one is refused', () => {
    const health = {
      attestation: { state: 'expiring', expiresAt: 5, daysLeft: 3 },
      level: 'premier',
      budgets: { read: { refill_rate: 1200, bucket_capacity: 1200 }, write: { refill_rate: 1200, bucket_capacity: 1200 } },
      grants: [
        {
          lane: 'event_contract',
          level: 'premier',
          source: 'volume',
          renewsDaily: true,
          expiresAt: 5,
          daysLeft: 3,
          state: 'ending',
          allowsUpload: true,
        },
      ],
      uploadGrant: { level: 'premier', expiresAt: 5, daysLeft: 3, endingSoon: true },
      next: { level: 'paragon', goalFp: '1000.00', trailingVolumeFp: '0.00', remainingFp: '1000.00', fraction: 0, computedAt: 1 },
      keep: null,
      upgradeOffered: false,
      communicationsId: 'abc',
      needsAttention: ['attestation_expiring'],
    };
    const withHealth = (h: unknown) => {
      const s = snapshot();
      return { ...s, byEnvironment: { demo: { ...s.byEnvironment.demo, health: h } } };
    };
    expect(parseSnapshot(withHealth(health))).toEqual(withHealth(health));
    expect(parseSnapshot(withHealth(null))).not.toBeNull();
    for (const bad of [
      { ...health, attestation: { ...health.attestation, state: 'boom' } },
      { ...health, grants: [{ level: 3 }] },
      { ...health, budgets: { read: {} } },
      { ...health, needsAttention: 'all' },
      { ...health, next: { level: 'x' } },
    ])
      expect(parseSnapshot(withHealth(bad))).toBeNull();
  });

  it('is ignored when any part is not of the expected shape', () => {
    const damaged: Array<(s: PopupSnapshot & Record<string, never>) => unknown> = [
      () => null,
      () => 'text',
      (s) => ({ ...s, active: 'staging' }),
      (s) => ({ ...s, byEnvironment: { ...s.byEnvironment, staging: s.byEnvironment.demo } }),
      (s) => ({ ...s, byEnvironment: { demo: { ...s.byEnvironment.demo, keys: [{ keyId: 1 }] } } }),
      (s) => ({ ...s, byEnvironment: { demo: { ...s.byEnvironment.demo, heldKeys: 'all' } } }),
      (s) => ({ ...s, byEnvironment: { demo: { ...s.byEnvironment.demo, signingKey: { name: 'x' } } } }),
      (s) => ({ ...s, byEnvironment: { demo: { ...s.byEnvironment.demo, account: { tier: 3 } } } }),
      (s) => ({ ...s, byEnvironment: { demo: { ...s.byEnvironment.demo, accounts: [{ id: 7, name: null, heldKeys: 1 }] } } }),
      (s) => ({ ...s, byEnvironment: { demo: { ...s.byEnvironment.demo, accounts: [{ id: 'a', name: 5, heldKeys: 1 }] } } }),
      (s) => ({ ...s, byEnvironment: { demo: { ...s.byEnvironment.demo, accounts: 'both' } } }),
      (s) => ({
        ...s,
        byEnvironment: { demo: { ...s.byEnvironment.demo, keys: [{ ...key(1), scopes: 'read', held: true, signing: false }] } },
      }),
    ];
    for (const damage of damaged) expect(parseSnapshot(damage(snapshot() as never))).toBeNull();
  });

  it('property: any JSON value is either refused or of the snapshot shape; never a throw', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const parsed = parseSnapshot(value);
        if (parsed !== null) expect(['demo', 'production']).toContain(parsed.active);
      }),
    );
  });
});

// ---- The screen copy ------------------------------------------------------------------------

type Fake = {
  nodeType: number;
  textContent: string | null;
  tagName?: string;
  attributes?: Array<{ name: string; value: string }>;
  childNodes?: Fake[];
  selected?: boolean;
  checked?: boolean;
};
const text = (t: string): Fake => ({ nodeType: 3, textContent: t });
const el = (tagName: string, attrs: Record<string, string> = {}, children: Fake[] = [], props: Partial<Fake> = {}): Fake => ({
  nodeType: 1,
  textContent: children.map((c) => c.textContent ?? '').join(''),
  tagName: tagName.toUpperCase(),
  attributes: Object.entries(attrs).map(([name, value]) => ({ name, value })),
  childNodes: children,
  ...props,
});
const copyOf = (node: Fake) => capture(node as never);

describe('the screen copy', () => {
  it('keeps the allowed tags, attributes and text; drops scripts, dialogs, handlers, links, what a user typed and what is only read out', () => {
    const main = el('main', { class: 'popup', onclick: 'steal()', style: 'x' }, [
      el('h1', {}, [text('Kalshi Keys')]),
      el('script', {}, [text('steal()')]),
      el('dialog', { open: '' }, [text('-----BEGIN PRIVATE KEY-----')]),
      el('a', { href: 'https://evil.example' }, [text('link')]),
      el('input', { type: 'search', value: 'typed' }),
      el('select', { id: 'environment', 'aria-label': 'Environment' }, [
        el('option', { value: 'production' }, [text('Production')]),
        el('option', { value: 'demo' }, [text('Demo')], { selected: true }),
      ]),
      el('span', { class: 'badge' }, [
        text('can move money'),
        el('span', { class: 'visually-hidden' }, [text(' This key can transfer funds.')]),
      ]),
      el('input', { type: 'radio', name: 'dest' }, [], { checked: true }),
      el('div', { role: 'status', class: 'status' }, [el('p', {}, [text('Deleted “bot”')])]),
      el('form', { 'data-no-copy': '', class: 'create' }, [el('label', {}, [text('Key name')])]),
      el('div', { 'data-no-copy': '' }, [text('left to the app')]),
    ]);
    expect(copyOf(main)).toEqual([
      'main',
      { class: 'popup' },
      [
        ['h1', {}, ['Kalshi Keys']],
        ['span', { class: 'field-copy' }, []], // a picture of the field: never what was typed in it
        // A picture of the select: every option's text for its width, only the chosen one visible.
        [
          'span',
          { class: 'select-copy', id: 'environment' },
          [
            ['span', { class: 'select-copy-other' }, ['Production']],
            ['span', {}, ['Demo']],
          ],
        ],
        ['span', { class: 'badge' }, ['can move money']],
        ['input', { type: 'radio', name: 'dest', checked: '' }, []],
        ['div', { role: 'status', class: 'status' }, []],
      ],
    ]);
  });

  it('draws a select as the option it shows, the first when none is chosen; an empty select as an empty box', () => {
    const options = (chosen: number | null) =>
      ['Production', 'Demo'].map((name, i) => el('option', {}, [text(name)], { selected: i === chosen }));
    const shown = (copied: CopiedElement | null) => (copied?.[2] as CopiedElement[]).filter((o) => !o[1].class).map((o) => o[2][0]);
    expect(shown(copyOf(el('select', {}, options(1))))).toEqual(['Demo']);
    expect(shown(copyOf(el('select', {}, options(null))))).toEqual(['Production']);
    expect(copyOf(el('select', { 'data-no-copy': '' }, options(0)))).toBeNull();
    expect(copyOf(el('select', { onchange: 'x()' }, []))).toEqual(['span', { class: 'select-copy' }, []]);
  });

  it('draws a text field as a span of its box holding its placeholder, never what was typed in it', () => {
    const filter = el('input', { type: 'search', class: 'key-filter', placeholder: 'Filter keys', value: 'bot 17' });
    expect(copyOf(filter)).toEqual(['span', { class: 'field-copy key-filter' }, ['Filter keys']]);
    expect(copyOf(el('input', { value: 'typed' }))).toEqual(['span', { class: 'field-copy' }, []]);
    expect(copyOf(el('input', { type: 'radio', name: 'dest' }))).toEqual(['input', { type: 'radio', name: 'dest' }, []]);
  });

  it('keeps the first screen of the key list only', () => {
    const list = el(
      'ul',
      { class: 'key-list' },
      Array.from({ length: 40 }, (_, i) => el('li', { class: 'key' }, [text(`bot ${i}`)])),
    );
    const copied = copyOf(list)!;
    expect(copied[2]).toHaveLength(FIRST_SCREEN_ROWS);
    expect(copied[2][0]).toEqual(['li', { class: 'key' }, ['bot 0']]);
  });

  it('a copy written by anyone else with a script, a handler or a link is refused', () => {
    expect(isCopied(['ul', {}, [['li', {}, ['ok']]]])).toBe(true);
    expect(isCopied(['ul', {}, [['script', {}, ['x']]]])).toBe(false);
    expect(isCopied(['ul', { onmouseover: 'x' }, []])).toBe(false);
    expect(isCopied(['a', { href: 'https://evil.example' }, []])).toBe(false);
    expect(isCopied(['ul', { class: 1 }, []])).toBe(false);
    expect(isCopied('{not json')).toBe(false);
    expect(isCopied(null)).toBe(false);
  });

  it('property: whatever arrives, what is admitted holds only allowed tags and attributes', () => {
    const tag = fc.constantFrom('ul', 'li', 'script', 'iframe', 'a', 'p', 'img', 'button', 'dialog');
    const attrs = fc.dictionary(fc.constantFrom('class', 'onclick', 'href', 'src', 'aria-label', 'style', 'id'), fc.string());
    const tree = fc.letrec((tie) => ({
      node: fc.tuple(tag, attrs, fc.array(fc.oneof(fc.string(), tie('node')), { maxLength: 3 })),
    })).node;
    fc.assert(
      fc.property(tree, (value) => {
        if (!isCopied(value)) return;
        const walk = (n: unknown): void => {
          if (typeof n === 'string') return;
          const [tag, attributes, children] = n as [string, Record<string, string>, unknown[]];
          expect(['script', 'iframe', 'a', 'img', 'dialog']).not.toContain(tag);
          for (const name of Object.keys(attributes)) expect(['onclick', 'href', 'src', 'style']).not.toContain(name);
          children.forEach(walk);
        };
        walk(value);
      }),
    );
  });
});
