/**
 * Kalshi's error bodies in all three shapes, its words made safe to show (`said`), and the page
 * showing them on a line of their own: "Kalshi said: …".
 */
import fc from 'fast-check';
import type { VNode } from 'preact';
import { describe, expect, it, vi } from 'vitest';
import { createTranslator } from '../../components/i18n';
import { StatusMessage } from '../../components/StatusMessage';
import { kalshiSaid, parseKalshiError } from '../../lib/kalshi/wire-types';
import { AppError, SAID_MAX_LENGTH } from '../../lib/shared/errors';
import { english } from '../helpers/english';

// The pages' t() asks the browser for its words: the browser here is one that reads the English file.
vi.mock('wxt/browser', async () => ({ browser: { i18n: { getMessage: (await import('../helpers/english')).english } } }));

describe('parseKalshiError', () => {
  it.each([
    [
      'wrapped, as the real exchange sends it',
      { error: { code: 'forbidden', message: 'insufficient API usage level', details: 'tier basic', service: 'api-keys' } },
      { code: 'forbidden', message: 'insufficient API usage level', details: 'tier basic', service: 'api-keys' },
    ],
    [
      'wrapped, without a code',
      { error: { message: 'insufficient API usage level' } },
      { code: '', message: 'insufficient API usage level', details: '', service: '' },
    ],
    [
      'the spec’s unwrapped {code, message, details}',
      { code: 'forbidden', message: 'Forbidden - insufficient API usage level', details: 'x' },
      { code: 'forbidden', message: 'Forbidden - insufficient API usage level', details: 'x', service: '' },
    ],
    ['a 429’s string', { error: 'too many requests' }, { code: '', message: 'too many requests', details: '', service: '' }],
  ])('%s', (_, body, parsed) => {
    expect(parseKalshiError(body)).toEqual(parsed);
  });

  it.each([undefined, null, 'text', 42, [], {}, { error: 5 }, { error: [] }, { status: 'down' }, { message: 7 }])(
    'not an error body: %j',
    (body) => {
      expect(parseKalshiError(body)).toBeUndefined();
    },
  );

  it('never throws, and every field is a string, for any JSON', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.jsonValue(), fc.record({ error: fc.jsonValue() }), fc.record({ error: fc.dictionary(fc.string(), fc.jsonValue()) })),
        (v) => {
          const parsed = parseKalshiError(v);
          if (parsed) for (const field of Object.values(parsed)) expect(typeof field).toBe('string');
        },
      ),
      { numRuns: 2_000 },
    );
  });
});

describe('kalshiSaid: Kalshi’s words, safe to show', () => {
  const said = (body: unknown) => kalshiSaid(parseKalshiError(body));

  it('message and details, once when they say the same; the code is not words', () => {
    expect(said({ error: { code: 'forbidden', message: 'insufficient API usage level' } })).toBe('insufficient API usage level');
    expect(said({ error: { code: 'x', message: 'Not found', details: 'not found' } })).toBe('Not found');
    expect(said({ error: { code: 'a', message: 'authentication_error', details: 'rpc error: desc = X' } })).toBe(
      'authentication_error — rpc error: desc = X',
    );
    expect(said({ error: { code: 'only_a_code' } })).toBeUndefined();
    expect(said({ error: 'too many requests' })).toBe('too many requests');
  });

  it('control characters are removed, lines joined, JSON left out, at most 300 characters', () => {
    expect(said({ error: { message: 'line one\r\n\tline two\u0000\u001b[31m red\u202e' } })).toBe('line one line two [31m red');
    expect(said({ error: { message: '{"nested":"json"}', details: 'plain words' } })).toBe('plain words');
    const long = said({ error: { message: 'word '.repeat(200) } })!;
    expect(Array.from(long).length).toBeLessThanOrEqual(SAID_MAX_LENGTH);
    expect(long.endsWith('…')).toBe(true);
  });

  it('property: never a control character, never over the limit, never a JSON object, for any body', () => {
    const text = fc.oneof(fc.string({ unit: 'binary' }), fc.json(), fc.string({ maxLength: 1_000 }));
    fc.assert(
      fc.property(fc.record({ code: text, message: text, details: text }, { requiredKeys: [] }), fc.boolean(), (fields, wrap) => {
        const out = said(wrap ? { error: fields } : fields);
        if (out === undefined) return;
        expect(out).not.toMatch(/[\p{Cc}\p{Cf}]/u);
        expect(Array.from(out).length).toBeLessThanOrEqual(SAID_MAX_LENGTH);
        expect(out.trim()).toBe(out);
        expect(out).not.toBe('');
        expect(() => {
          const v: unknown = JSON.parse(out);
          if (typeof v === 'object' && v !== null) throw new Error('JSON shown');
        }).not.toThrow('JSON shown');
      }),
      { numRuns: 3_000 },
    );
  });
});

describe('`said` on the way to the page', () => {
  it('AppError carries it, toInfo passes it on, and leaves it out when there is none', () => {
    expect(new AppError('usage_tier', 'd', { said: 'insufficient API usage level' }).toInfo()).toEqual({
      code: 'usage_tier',
      detail: 'd',
      said: 'insufficient API usage level',
    });
    expect(Object.keys(new AppError('forbidden', 'd').toInfo())).toEqual(['code', 'detail']);
    expect(Object.keys(new AppError('forbidden', undefined, { said: '' }).toInfo())).toEqual(['code']);
  });

  it('localizeError keeps it on the shown error', () => {
    const { localizeError } = createTranslator(english);
    const shown = localizeError({ code: 'location_attestation', said: 'Your location attestation for API trading is missing or expired.' });
    expect(shown.said).toBe('Your location attestation for API trading is missing or expired.');
    expect(shown.message).toMatch(/location/);
    expect(shown.hint).toMatch(/Sports, Elections and Entertainment/);
    expect(localizeError({ code: 'usage_tier' }).hint).toMatch(/Generate on Kalshi/);
  });

  it('StatusMessage shows it as a line of its own: “Kalshi said: …”', () => {
    const { localizeError } = createTranslator(english);
    const paragraphs = (node: VNode) => textOf(StatusMessage({ status: { kind: 'error', error: localizeError(node as never) } }));

    const lines = paragraphs({
      code: 'usage_tier',
      detail: 'POST /trade-api/v2/api_keys answered 403.',
      said: 'insufficient API usage level',
    } as never);
    expect(lines).toContain('Kalshi said: insufficient API usage level');
    expect(lines).toContain('POST /trade-api/v2/api_keys answered 403.');
    expect(lines.indexOf('Kalshi said: insufficient API usage level')).toBeGreaterThan(0);

    expect(paragraphs({ code: 'usage_tier' } as never).some((line) => line.includes('Kalshi said'))).toBe(false);
  });
});

/** The text of each <p> in a rendered tree (host elements only, as StatusMessage renders). */
function textOf(node: unknown): string[] {
  const out: string[] = [];
  const flat = (n: unknown): string => {
    if (n === null || n === undefined || typeof n === 'boolean') return '';
    if (typeof n === 'string' || typeof n === 'number') return String(n);
    if (Array.isArray(n)) return n.map(flat).join('');
    return flat((n as VNode<{ children?: unknown }>).props.children);
  };
  const walk = (n: unknown) => {
    if (Array.isArray(n)) return n.forEach(walk);
    if (n === null || typeof n !== 'object') return;
    const vnode = n as VNode<{ children?: unknown }>;
    if (vnode.type === 'p') out.push(flat(vnode.props.children).trim());
    else walk(vnode.props.children);
  };
  walk(node);
  return out;
}
