/** The messages between the extension and the agent (agent/src/protocol.ts): each checked as it arrives. */
import { describe, expect, it } from 'vitest';
import { isAnswers, isBatches, isFromAgent, isOff, isReply } from '../../agent/src/protocol';

describe('the agent’s protocol', () => {
  it('takes the extension’s replies and off, and nothing shaped otherwise', () => {
    expect(isReply({ id: 1, answer: { ok: true, host: 'h', headers: { 'KALSHI-ACCESS-KEY': 'k' } } })).toBe(true);
    expect(isReply({ id: 2, answer: { ok: false, status: 403, code: 'outside_grant', message: 'no' } })).toBe(true);
    for (const bad of [
      { id: 1, answer: { ok: true } }, // no host or headers: nothing to forward with
      { id: 1, answer: { ok: true, host: 'h', headers: { n: 1 } } },
      { id: 1, answer: { ok: false, status: 403 } },
      { id: '1', answer: { ok: false, status: 403, code: 'c', message: 'm' } },
      { answer: { ok: true, host: 'h', headers: {} } },
      null,
      'off',
    ])
      expect(isReply(bad)).toBe(false);
    const signed = { id: 1, answer: { ok: true, host: 'h', headers: {} } };
    expect(isAnswers({ type: 'answers', answers: [signed, { id: 2, answer: { ok: false, status: 429, code: 'c', message: 'm' } }] })).toBe(
      true,
    );
    expect(isAnswers({ type: 'answers', answers: [signed, { id: 2, answer: { ok: true } }] })).toBe(false);
    expect(isAnswers({ type: 'answers', answers: signed })).toBe(false);
    expect(isBatches({ type: 'batches' })).toBe(true);
    expect(isOff({ type: 'off' })).toBe(true);
    expect(isOff({ type: 'of' })).toBe(false);
  });

  it('tells the extension’s side each message the agent sends from anything else', () => {
    for (const good of [
      { type: 'hello', port: 8127, version: '0.1.0', pid: 42 },
      { type: 'busy', port: 8127 },
      { type: 'error', message: 'Port 8127 is in use' },
      { id: 1, type: 'sign', token: 'kkb_x', method: 'GET', path: '/trade-api/v2/portfolio/balance' },
      { id: 2, type: 'sign', method: 'GET', path: '/trade-api/v2/portfolio/balance' },
      { type: 'outcome', id: 1, status: 200 },
      {
        type: 'sign-batch',
        requests: [
          { id: 1, token: 'kkb_x', method: 'GET', path: '/p' },
          { id: 2, method: 'GET', path: '/p' },
        ],
      },
      { type: 'outcomes', outcomes: [{ id: 1, status: 200 }] },
    ])
      expect(isFromAgent(good)).toBe(true);
    for (const bad of [
      { type: 'hello', port: 8127 },
      { type: 'outcome', id: 1 },
      { type: 'sign', id: 1, method: 'GET' },
      { type: 'sign-batch', requests: [{ id: 1, method: 'GET' }] },
      { type: 'outcomes', outcomes: [{ id: 1 }] },
      { type: 'shout' },
      [],
      7,
    ])
      expect(isFromAgent(bad)).toBe(false);
  });
});
