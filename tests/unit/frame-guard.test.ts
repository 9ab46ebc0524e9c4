import { describe, expect, it } from 'vitest';
import { isFramed } from '../../components/frame-guard';

describe('frame guard', () => {
  it('a top-level page is not framed', () => {
    const w = { top: null as unknown, self: null as unknown };
    w.top = w;
    w.self = w;
    expect(isFramed(w)).toBe(false);
  });
  it('a page under another top window is framed', () => {
    expect(isFramed({ top: {}, self: {} })).toBe(true);
  });
  it('a browser that will not tell counts as framed', () => {
    const w = {
      get top(): unknown {
        throw new DOMException('Blocked', 'SecurityError');
      },
      self: {},
    };
    expect(isFramed(w)).toBe(true);
  });
});
