import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { EnvironmentSelect } from '../../components/EnvironmentSelect';
import { errorInfoOf, send } from '../../components/messaging';
import { StatusMessage, type Status } from '../../components/StatusMessage';
import { ENVIRONMENT_LABEL, type Environment } from '../../lib/environments';
import type { NewKeyOptions, OneTimeSecret } from '../../lib/minting';
import type { AccountInfo, KeyListItem, Overview } from '../../lib/protocol';
import { describeRotation } from '../../lib/rotation';
import { tierLabel } from '../../lib/tiers';
import { KeyList, type KeyAction } from './KeyList';
import { NewKeyForm } from './NewKeyForm';
import { SecretDialog } from './SecretDialog';

type Confirming = { action: 'delete' | 'forget' | 'rotate'; key: KeyListItem };
type Shown = { keyName: string; keyId: string; secret: OneTimeSecret };

const dollars = (cents: number) => (cents / 100).toLocaleString('en-US', { style: 'currency', currency: 'USD' });

export function App() {
  const [overview, setOverview] = useState<Overview | null>(null);
  const [keys, setKeys] = useState<KeyListItem[] | null>(null);
  const [account, setAccount] = useState<AccountInfo | null>(null);
  const [uploadRefused, setUploadRefused] = useState(false);
  const [status, setStatus] = useState<Status>({ kind: 'idle' });
  const [busy, setBusy] = useState(false);
  const [confirming, setConfirming] = useState<Confirming | null>(null);
  const [shown, setShown] = useState<Shown | null>(null);

  /** Shows an overview, then the exchange's key list (and, on first load or a switch, the usage tier). */
  async function load(next: Promise<Overview>, { withAccount = true } = {}) {
    setKeys(null);
    try {
      const o = await next;
      setOverview(o);
      if (!o.signingKey) return;
      const env = o.environment;
      const [list] = await Promise.all([
        send('listApiKeys', { environment: env }),
        withAccount && send('getAccount', { environment: env }).then(setAccount, () => setAccount({ tier: null, keySource: 'local' })),
      ]);
      setKeys(list.keys);
    } catch (error) {
      setKeys([]);
      setStatus({ kind: 'error', error: errorInfoOf(error) });
    }
  }

  useEffect(() => void load(send('getOverview', {})), []);

  /** Runs one user action: busy while it runs, its result in the status region. */
  async function run(busyText: string, work: () => Promise<Status>): Promise<boolean> {
    setBusy(true);
    setStatus({ kind: 'busy', text: busyText });
    try {
      setStatus(await work());
      return true;
    } catch (error) {
      setStatus({ kind: 'error', error: errorInfoOf(error) });
      return false;
    } finally {
      setBusy(false);
    }
  }

  if (!overview) {
    return (
      <Page>
        <p class="hint">Loading…</p>
        <StatusMessage status={status} />
      </Page>
    );
  }
  const environment = overview.environment;
  const reload = () => load(send('getOverview', { environment }), { withAccount: false });
  const canUpload = account?.keySource !== 'kalshi' && !uploadRefused;
  const locksOut = (key: KeyListItem) => key.signing && overview.heldKeys.length <= 1;

  const createKey = (request: NewKeyOptions) =>
    run(
      request.source === 'local' ? 'Making a key pair in this browser…' : 'Asking Kalshi to generate the key…',
      async () => {
        try {
          const created = await send('createApiKey', { environment, ...request });
          if (created.secret) setShown({ keyName: created.name, keyId: created.keyId, secret: created.secret });
          await reload();
          return {
            kind: 'success',
            text: created.held
              ? `Created “${created.name}”. Its private key is kept in this browser and cannot be read.`
              : `Created “${created.name}”. Save its private key now: it is shown only once.`,
          };
        } catch (error) {
          if (errorInfoOf(error).code === 'usage_tier') setUploadRefused(true);
          throw error;
        }
      },
    );

  const act = (action: KeyAction, key: KeyListItem) => {
    if (action === 'delete' || action === 'forget' || action === 'rotate') return setConfirming({ action, key });
    if (action === 'copy') {
      void navigator.clipboard.writeText(key.keyId).then(
        () => setStatus({ kind: 'success', text: `Copied the key ID of “${key.name}”.` }),
        () => setStatus({ kind: 'success', text: `The browser refused to copy; the key ID is ${key.keyId}.` }),
      );
      return;
    }
    if (action === 'test') {
      return void run(`Testing “${key.name}” with a signed request…`, async () => {
        const result = await send('testKey', { environment, keyId: key.keyId });
        await reload();
        return { kind: 'success', text: `“${key.name}” works: Kalshi accepted a signed request (balance ${dollars(result.balanceCents)}).` };
      });
    }
    return void run(`Switching to “${key.name}”…`, async () => {
      await load(send('setSigningKey', { environment, keyId: key.keyId }), { withAccount: false });
      return { kind: 'success', text: `The extension now signs with “${key.name}”.` };
    });
  };

  const confirm = async ({ action, key }: Confirming) => {
    setConfirming(null);
    const confirmLockout = locksOut(key);
    if (action === 'delete') {
      await run(`Deleting “${key.name}”…`, async () => {
        await send('deleteApiKey', { environment, keyId: key.keyId, confirmLockout });
        await reload();
        return { kind: 'success', text: `Deleted “${key.name}” on Kalshi ${ENVIRONMENT_LABEL[environment]}.` };
      });
    } else if (action === 'forget') {
      await run(`Forgetting “${key.name}” in this browser…`, async () => {
        await load(send('forgetKey', { environment, keyId: key.keyId, confirmLockout }), { withAccount: false });
        return { kind: 'success', text: `This browser no longer holds “${key.name}”. The key itself still works on Kalshi.` };
      });
    } else {
      await run(`Rotating “${key.name}”: new key, test, switch, delete the old one…`, async () => {
        const report = await send('rotateKey', { environment, keyId: key.keyId });
        await reload();
        const lines = describeRotation(report);
        if (report.completed || !report.error) return { kind: 'success', text: lines[0] ?? '', lines: lines.slice(1) };
        return { kind: 'error', error: report.error, lines };
      });
    }
  };

  return (
    <Page
      header={
        <EnvironmentSelect
          id="environment"
          value={environment}
          disabled={busy}
          onChange={(env: Environment) => {
            setStatus({ kind: 'idle' });
            setAccount(null);
            setUploadRefused(false);
            void load(send('setEnvironment', { environment: env }));
          }}
        />
      }
    >
      {overview.signingKey ? (
        <>
          <p class="hint signing-line">
            Signs with <strong>{overview.signingKey.name}</strong> <code>{overview.signingKey.keyId.slice(0, 8)}</code>
            {' · '}Usage level <strong>{account ? tierLabel(account.tier) : '…'}</strong>
          </p>
          <KeyList keys={keys} busy={busy} now={Date.now()} onAction={act} />
          <StatusMessage status={status} />
          <NewKeyForm busy={busy} canUpload={canUpload} tierNote={tierNote(account, canUpload)} onSubmit={createKey} />
        </>
      ) : (
        <section class="empty">
          <p>No key for {ENVIRONMENT_LABEL[environment]} in this browser yet.</p>
          <button type="button" class="primary" onClick={() => void browser.runtime.openOptionsPage()}>
            Import a key
          </button>
          <StatusMessage status={status} />
        </section>
      )}
      {confirming && (
        <ConfirmFor confirming={confirming} environment={environment} locksOut={locksOut(confirming.key)} onCancel={() => setConfirming(null)} onConfirm={() => void confirm(confirming)} />
      )}
      {shown && <SecretDialog {...shown} onClose={() => setShown(null)} />}
    </Page>
  );
}

function tierNote(account: AccountInfo | null, canUpload: boolean): string {
  if (!account) return 'Checking your usage level…';
  if (canUpload && account.tier === null) return 'Usage level unknown: Create key tries to make the pair here first.';
  if (canUpload) return 'Create key makes the pair here and sends Kalshi only the public half.';
  return `Your usage level (${tierLabel(account.tier)}) may not upload its own public key; only Premier and Market Maker may. Kalshi generates the pair instead; a key kept in this browser is adopted straight into it and never shown.`;
}

function ConfirmFor(props: { confirming: Confirming; environment: Environment; locksOut: boolean; onCancel: () => void; onConfirm: () => void }) {
  const { action, key } = props.confirming;
  const env = ENVIRONMENT_LABEL[props.environment];
  const lockout = props.locksOut ? (
    <p class="warning">
      This is the only key this extension signs with for {env}. Afterwards the extension cannot reach your account until you import another key.
    </p>
  ) : null;
  const common = { onCancel: props.onCancel, onConfirm: props.onConfirm, acknowledge: props.locksOut ? 'I understand this locks the extension out' : undefined };
  if (action === 'delete') {
    return (
      <ConfirmDialog title={`Delete “${key.name}”?`} confirmLabel="Delete" danger {...common}>
        <p>
          Kalshi {env} will stop accepting key <code>{key.keyId.slice(0, 8)}</code> at once. This cannot be undone.
        </p>
        {key.signing && !props.locksOut && <p>This extension will switch to another key held in this browser.</p>}
        {lockout}
      </ConfirmDialog>
    );
  }
  if (action === 'forget') {
    return (
      <ConfirmDialog title={`Forget “${key.name}” in this browser?`} confirmLabel="Forget" danger {...common}>
        <p>The private key is erased from this browser. The API key keeps working on Kalshi for anyone else who holds it.</p>
        {lockout}
      </ConfirmDialog>
    );
  }
  return (
    <ConfirmDialog title={`Rotate “${key.name}”?`} confirmLabel="Rotate" onCancel={props.onCancel} onConfirm={props.onConfirm}>
      <p>A new key with the same scopes and subaccount is made and tested; the extension switches to it; only then is the old key deleted on Kalshi.</p>
      <p>If a step fails, it stops there and a working key stays in place.</p>
    </ConfirmDialog>
  );
}

function Page({ children, header }: { children?: ComponentChildren; header?: ComponentChildren }) {
  return (
    <main class="popup">
      <header class="popup-header">
        <h1>Kalshi Keys</h1>
        {header}
      </header>
      {children}
    </main>
  );
}
