/**
 * The popup's first answers, asked of Kalshi when the worker sees the popup open (its navigation),
 * before the page has run a line of script: Kalshi's list and the usage level travel while the page
 * loads, and the page's first asks, marked `opening`, take them (npm run bench, 11: the live list).
 *
 * An early answer is handed once, to an ask marked `opening` for the same environment, within
 * OPENING_MS of the navigation, and only if nothing was changed since it was asked: any message
 * that is not a read drops it. The page checks the answer's account as it checks any list's.
 */
import type { Environment } from '../shared/environments';
import type { AccountInfo, Handlers, KeyList, Overview } from './api';
import { onChange } from './reads';

/** A popup's first asks come within this of its navigation; later, the list is read again. */
export const OPENING_MS = 5_000;

interface Early {
  environment: Environment;
  at: number;
  overview?: Promise<Overview>;
  list?: Promise<KeyList>;
  account?: Promise<AccountInfo>;
}

export interface Opening {
  /** The popup is opening: asks Kalshi now for what its first screen shows. */
  begin(): Promise<void>;
  /** `handlers` with the early answers given to the popup's first asks. */
  handlers: Handlers;
}

export function createOpening(handlers: Handlers, deps: { activeEnvironment(): Promise<Environment>; now(): number }): Opening {
  let early: Early | undefined;
  let begun = 0; // the latest begin() wins
  let changes = 0;
  /** Changes running now: nothing read while one runs is kept or handed out. */
  let changing = 0;

  /** The early answer `kind` for `environment`, once; undefined when there is none to give. */
  function take<K extends 'overview' | 'list' | 'account'>(kind: K, environment: Environment): Early[K] | undefined {
    if (!early || early.environment !== environment || deps.now() - early.at > OPENING_MS) return undefined;
    const answer = early[kind];
    delete early[kind];
    return answer;
  }

  // A change: what was read before it may be stale.
  const wrapped = onChange(handlers, (phase) => {
    changing += phase === 'starts' ? 1 : -1;
    early = undefined;
    changes++;
  });

  return {
    async begin() {
      const mine = ++begun;
      const at = deps.now();
      early = undefined;
      const seen = changes;
      const environment = await deps.activeEnvironment();
      // A change ran meanwhile (or runs still: an import the popup opened beside): the page asks itself.
      if (mine !== begun || changes !== seen || changing > 0) return;
      // Without a signing key both fail at once (no_signing_key), and the popup asks for neither.
      const list = handlers.listApiKeys({ environment });
      const account = handlers.getAccount({ environment });
      const overview = handlers.getOverview({ environment });
      // Read (or dropped) by the page's asks; a failure is theirs to tell, never unhandled here.
      for (const answer of [list, account, overview]) answer.catch(() => undefined);
      early = { environment, at, overview, list, account };
    },
    handlers: {
      ...wrapped,
      getOverview: (request) =>
        (request.opening && early ? take('overview', request.environment ?? early.environment) : undefined) ?? wrapped.getOverview(request),
      listApiKeys: (request) => (request.opening ? take('list', request.environment) : undefined) ?? wrapped.listApiKeys(request),
      getAccount: (request) => (request.opening ? take('account', request.environment) : undefined) ?? wrapped.getAccount(request),
    },
  };
}
