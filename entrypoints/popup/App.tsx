import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import { EnvironmentSelect } from '../../components/EnvironmentSelect';
import { errorInfoOf, send } from '../../components/messaging';
import { StatusMessage, type Status } from '../../components/StatusMessage';
import { ENVIRONMENT_LABEL, type Environment } from '../../lib/environments';
import type { KeyListItem, Overview } from '../../lib/protocol';
import { CreateKeyForm } from './CreateKeyForm';
import { DeleteKeyDialog } from './DeleteKeyDialog';
import { KeyList } from './KeyList';

export function App() {
  const [overview, setOverview] = useState<Overview | null>(null);
  const [keys, setKeys] = useState<KeyListItem[] | null>(null);
  const [status, setStatus] = useState<Status>({ kind: 'idle' });
  const [busy, setBusy] = useState(false);
  const [toDelete, setToDelete] = useState<KeyListItem | null>(null);

  async function load(next: Promise<Overview>) {
    setKeys(null);
    try {
      const o = await next;
      setOverview(o);
      if (o.signingKey) setKeys((await send('listApiKeys', { environment: o.environment })).keys);
    } catch (error) {
      setStatus({ kind: 'error', error: errorInfoOf(error) });
    }
  }

  useEffect(() => void load(send('getOverview', {})), []);

  async function run(busyText: string, work: () => Promise<string>) {
    setBusy(true);
    setStatus({ kind: 'busy', text: busyText });
    try {
      const text = await work();
      setStatus({ kind: 'success', text });
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
      <main class="popup">
        <Header />
        <p class="hint">Loading…</p>
        <StatusMessage status={status} />
      </main>
    );
  }
  const environment = overview.environment;

  const createKey = (name: string) =>
    run('Making a key pair in this browser and registering its public half with Kalshi…', async () => {
      const key = await send('createApiKey', { environment, name });
      await load(send('getOverview', { environment }));
      return `Created “${key.name}”. Its private key stays in this browser and cannot be read.`;
    });

  const deleteKey = (key: KeyListItem, confirmLockout: boolean) =>
    run(`Deleting “${key.name}”…`, async () => {
      setToDelete(null);
      await send('deleteApiKey', { environment, keyId: key.keyId, confirmLockout });
      await load(send('getOverview', { environment }));
      return `Deleted “${key.name}” on Kalshi ${ENVIRONMENT_LABEL[environment]}.`;
    });

  const heldCount = overview.heldKeys.length;
  return (
    <main class="popup">
      <Header>
        <EnvironmentSelect
          id="environment"
          value={environment}
          disabled={busy}
          onChange={(env: Environment) => {
            setStatus({ kind: 'idle' });
            void load(send('setEnvironment', { environment: env }));
          }}
        />
      </Header>
      {overview.signingKey ? (
        <>
          <p class="hint signing-line">
            Signs with <strong>{overview.signingKey.name}</strong> <code>{overview.signingKey.keyId.slice(0, 8)}</code>
          </p>
          <KeyList keys={keys} busy={busy} onDelete={setToDelete} />
          <CreateKeyForm busy={busy} onCreate={createKey} />
        </>
      ) : (
        <section class="empty">
          <p>No key for {ENVIRONMENT_LABEL[environment]} in this browser yet.</p>
          <button type="button" class="primary" onClick={() => void browser.runtime.openOptionsPage()}>
            Import a key
          </button>
        </section>
      )}
      <StatusMessage status={status} />
      {toDelete && (
        <DeleteKeyDialog
          keyItem={toDelete}
          environment={environment}
          locksOut={toDelete.signing && heldCount <= 1}
          onCancel={() => setToDelete(null)}
          onConfirm={(confirmLockout) => void deleteKey(toDelete, confirmLockout)}
        />
      )}
    </main>
  );
}

function Header({ children }: { children?: ComponentChildren }) {
  return (
    <header class="popup-header">
      <h1>Kalshi Keys</h1>
      {children}
    </header>
  );
}
