/**
 * The popup's words for usage-level grants (entrypoints/popup/AccountHealth.tsx): "volume" and
 * "manual" in ours, any other source Kalshi sends shown as it came, as text, never dropped.
 */
import type { VNode } from 'preact';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { grantLine, UsageLevel } from '../../entrypoints/popup/AccountHealth';
import { parseLimits } from '../../lib/kalshi/account-wire-types';
import { describeAccountHealth } from '../../lib/key-manager/account-health';

// The pages' t() asks the browser for its words: the browser here is one that reads the English file.
vi.mock('wxt/browser', async () => ({ browser: { i18n: { getMessage: (await import('../helpers/english')).english } } }));

const NOW = Date.UTC(2027, 0, 3, 12);
const DAY_S = 86_400;
const grant = (level: string, source: unknown, expiresInDays?: number): Record<string, unknown> => ({
  exchange_instance: 'event_contract',
  level,
  source,
  ...(expiresInDays === undefined ? {} : { expires_ts: NOW / 1000 + expiresInDays * DAY_S }),
});

/** Kalshi's answer through the real parser and the real description, as the popup gets it. */
function healthOf(grants: Record<string, unknown>[]) {
  const limits = parseLimits({
    usage_tier: 'premier',
    read: { refill_rate: 1200, bucket_capacity: 1200 },
    write: { refill_rate: 1200, bucket_capacity: 3600 },
    grants,
  });
  expect(limits).toBeDefined();
  return describeAccountHealth({ limits: limits! }, { now: NOW, timeZone: 'UTC' });
}

/** The children of every <li> the component renders: what the list shows, node for node. */
function listItems(node: unknown): unknown[] {
  const out: unknown[] = [];
  const walk = (n: unknown) => {
    if (Array.isArray(n)) return n.forEach(walk);
    if (n === null || typeof n !== 'object') return;
    const vnode = n as VNode<{ children?: unknown }>;
    if (vnode.type === 'li') out.push(vnode.props.children);
    else walk(vnode.props.children);
  };
  walk(node);
  return out;
}

beforeAll(() => {
  vi.stubGlobal('navigator', { language: 'en-US' });
  // The popup leaves the year out of a day in the current year: the current year is NOW's.
  vi.useFakeTimers({ now: NOW, toFake: ['Date'] });
});
afterAll(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('grant lines', () => {
  it('volume and manual in our words', () => {
    const h = healthOf([grant('premier', 'volume', 30), grant('expert', 'manual'), grant('advanced', 'manual', 10)]);
    expect(h.grants!.map(grantLine)).toEqual([
      'Premier, earned by volume, renewed daily; lapses Feb 2 if volume drops',
      'Expert, set by Kalshi, permanent',
      'Advanced, set by Kalshi, until Jan 13',
    ]);
  });

  it('any other source as it came, with or without an end; none at all says only the level and the end', () => {
    const h = healthOf([
      grant('premier', 'promotion', 30),
      grant('expert', 'market_maker'),
      grant('advanced', undefined, 10),
      grant('basic', 7),
    ]);
    expect(h.grants!.map(grantLine)).toEqual([
      'Premier, source “promotion”, until Feb 2',
      'Expert, source “market_maker”, permanent',
      'Advanced, until Jan 13',
      'Basic, permanent',
    ]);
  });

  it('a source that looks like markup is a text child of its line, never markup', () => {
    const h = healthOf([grant('premier', '<img src=x onerror=alert(1)>', 30)]);
    const items = listItems(UsageLevel({ health: h, busy: false, onUpgrade: () => {} }));
    expect(items).toEqual(['Premier, source “<img src=x onerror=alert(1)>”, until Feb 2']);
  });
});
