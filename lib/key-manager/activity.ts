/**
 * The activity log's writer and reader. Every key operation is wrapped: once its handler settles,
 * one entry says what was done to which key and how it ended. Logging never changes an operation's
 * answer — a failed write is dropped — and an entry holds only the fields of ActivityEntry.
 */
import type { AccountId, ActivityEntry, ActivityOperation, NewActivity } from '../key-store';
import type { Environment } from '../shared/environments';
import { toErrorInfo, type ErrorInfo } from '../shared/errors';
import type { ActivityFilter, ActivityList, Handlers, KeyManagerApi, KeyRef } from './api';
import type { Context } from './context';
import type { Listing } from './listing';

type Request<K extends keyof KeyManagerApi> = KeyManagerApi[K]['request'];
type Response<K extends keyof KeyManagerApi> = KeyManagerApi[K]['response'];

/** What an entry says of one operation, read from its request and, when it succeeded, its answer. */
interface Recorder<K extends keyof KeyManagerApi> {
  operation: (request: Request<K>) => ActivityOperation;
  keyId: (request: Request<K>, response?: Response<K>) => string | null;
  /** A name the request or answer carries; otherwise the name the key had before the operation. */
  keyName?: (request: Request<K>, response?: Response<K>) => string | undefined;
  /** The account an answer names (an imported key's, which may be new here); none without an answer. */
  account?: (response?: Response<K>) => AccountId | null;
  /** An answer that reports its own failure (a rotation that stopped at a step). */
  failure?: (response: Response<K>) => ErrorInfo | null;
}

const onKey = (operation: ActivityOperation) => ({ operation: () => operation, keyId: (request: KeyRef) => request.keyId });

const RECORDERS = {
  importKey: {
    operation: () => 'import',
    keyId: (request) => request.keyId,
    keyName: (_, summary) => summary?.name,
    account: (summary) => summary?.account ?? null,
  },
  createApiKey: {
    operation: (request) => (request.source === 'local' ? 'create' : 'generate'),
    keyId: (_, created) => created?.keyId ?? null,
    keyName: (request) => request.name,
  },
  confirmSecretSaved: onKey('handed_over'),
  deleteApiKey: onKey('delete'),
  forgetKey: onKey('forget'),
  rotateKey: { ...onKey('rotate'), failure: (report) => (report.completed ? null : report.error) },
  testKey: onKey('test'),
  setSigningKey: onKey('use_for_signing'),
  keepKey: onKey('keep'),
} satisfies { [K in keyof KeyManagerApi]?: Recorder<K> };
type Recorded = keyof typeof RECORDERS;

/** ok, or the error's code; a lost answer (outcome_unknown) leaves the outcome unknown. */
function outcomeOf(error: ErrorInfo | null): Pick<NewActivity, 'outcome' | 'errorCode'> {
  if (!error) return { outcome: 'ok' };
  return { outcome: error.code === 'outcome_unknown' ? 'unknown' : 'refused', errorCode: error.code };
}

export function createActivity(ctx: Context, listing: Listing) {
  const { store, now } = ctx;

  /**
   * The key's name before the operation runs (a delete or forget removes it): held here, listed, or
   * awaiting save; and its account: the held key's, else the signing key's (the account acted on).
   */
  async function before(environment: Environment, keyId: string | null) {
    const held = keyId === null ? undefined : await store.getKey(environment, keyId).catch(() => undefined);
    const signing = held?.account === undefined ? await store.getSigningKey(environment).catch(() => undefined) : undefined;
    const name = keyId === null ? null : (held?.name ?? listing.knownName(environment, keyId) ?? ctx.secrets.nameOf(keyId) ?? null);
    return { name, account: held?.account ?? signing?.account ?? null };
  }

  // The operation's own answer matters more than its entry: a full or failing store loses the entry only.
  const record = (entry: NewActivity) => store.addActivity(entry).catch(() => {});

  function wrap<K extends Recorded>(recorder: Recorder<K>, handler: Handlers[K]): Handlers[K] {
    const run = handler as (request: Request<K>) => Promise<Response<K>>;
    const wrapped = async (request: Request<K>): Promise<Response<K>> => {
      const { environment } = request;
      const known = await before(environment, recorder.keyId(request));
      const entry = (keyId: string | null, keyName: string | null, error: ErrorInfo | null, account = known.account): NewActivity => ({
        at: now(),
        environment,
        account,
        keyId,
        keyName,
        operation: recorder.operation(request),
        ...outcomeOf(error),
      });
      let response: Response<K>;
      try {
        response = await run(request);
      } catch (error) {
        const account = recorder.account ? recorder.account() : known.account;
        await record(entry(recorder.keyId(request), recorder.keyName?.(request) ?? known.name, toErrorInfo(error), account));
        throw error;
      }
      const keyName = recorder.keyName?.(request, response) ?? known.name;
      const failure = recorder.failure?.(response) ?? null;
      const account = recorder.account ? recorder.account(response) : known.account;
      await record(entry(recorder.keyId(request, response), keyName, failure, account));
      return response;
    };
    return wrapped as Handlers[K];
  }

  return {
    /** The handlers, each key operation among them recording its outcome in the activity log. */
    recording(handlers: Handlers): Handlers {
      const out: Handlers = { ...handlers };
      for (const type of Object.keys(RECORDERS) as Recorded[]) {
        (out as Record<Recorded, unknown>)[type] = wrap(RECORDERS[type] as Recorder<typeof type>, handlers[type]);
      }
      return out;
    },

    async getActivity({ environment, account }: ActivityFilter): Promise<ActivityList> {
      const all = await store.listActivity();
      const pass = (e: ActivityEntry) =>
        (environment === undefined || e.environment === environment) && (account === undefined || e.account === account);
      return { entries: all.filter(pass), accounts: [...new Set(all.map((e) => e.account))] };
    },
  };
}
