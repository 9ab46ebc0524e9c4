import { useEffect, useRef, useState } from 'preact/hooks';
import { EnvironmentSelect } from '../../components/EnvironmentSelect';
import { errorInfoOf, send } from '../../components/messaging';
import { StatusMessage, type Status } from '../../components/StatusMessage';
import { ENVIRONMENT_LABEL, ENVIRONMENTS, type Environment } from '../../lib/environments';
import type { KeySummary } from '../../lib/protocol';

const MAX_FILE_BYTES = 20_000;

export function App() {
  const [environment, setEnvironment] = useState<Environment>('production');
  const [keyId, setKeyId] = useState('');
  const [pemText, setPemText] = useState('');
  const [fileName, setFileName] = useState<string | null>(null);
  // Shown once the key turns out to be passphrase-protected; never stored.
  const [needsPassphrase, setNeedsPassphrase] = useState(false);
  const [passphrase, setPassphrase] = useState('');
  const passphraseInput = useRef<HTMLInputElement>(null);
  const [status, setStatus] = useState<Status>({ kind: 'idle' });
  const [held, setHeld] = useState<KeySummary[]>([]);
  // The chosen file's text stays in memory only, never in the DOM.
  const fileText = useRef<string | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  // The remembered environment must not override a choice the user already made.
  const environmentChosen = useRef(false);
  const busy = status.kind === 'busy';

  const refreshHeld = () =>
    Promise.all(ENVIRONMENTS.map((env) => send('getOverview', { environment: env })))
      .then((all) => setHeld(all.flatMap((o) => o.heldKeys)))
      .catch(() => setHeld([]));

  useEffect(() => {
    send('getOverview', {}).then(
      (o) => environmentChosen.current || setEnvironment(o.environment),
      () => {},
    );
    void refreshHeld();
  }, []);

  function clearFile() {
    fileText.current = null;
    setFileName(null);
    if (fileInput.current) fileInput.current.value = '';
  }

  function forgetPem() {
    setPemText('');
    clearFile();
    setPassphrase('');
    setNeedsPassphrase(false);
  }

  async function onFile(file: File | undefined) {
    fileText.current = null;
    setFileName(null);
    setNeedsPassphrase(false);
    if (!file) return;
    if (file.size > MAX_FILE_BYTES) {
      setStatus({ kind: 'error', error: { code: 'malformed_key', message: 'That file is far larger than any private key.', hint: 'Pick the .key or .pem file Kalshi gave you.' } });
      return;
    }
    fileText.current = await file.text();
    setFileName(file.name);
    setPemText('');
  }

  async function onSubmit(event: Event) {
    event.preventDefault();
    if (busy) return;
    setStatus({ kind: 'busy', text: `Checking the key with Kalshi ${ENVIRONMENT_LABEL[environment]}…` });
    try {
      const pem = fileText.current ?? pemText;
      const key = await send('importKey', { environment, keyId, pem, ...(needsPassphrase ? { passphrase } : {}) });
      forgetPem();
      setKeyId('');
      setStatus({
        kind: 'success',
        text: `Imported “${key.name}” (${key.keyId}) for ${ENVIRONMENT_LABEL[environment]}. Kalshi accepted a request signed with it; the private key text has been cleared and can no longer be read.`,
      });
      void refreshHeld();
    } catch (error) {
      const info = errorInfoOf(error);
      setStatus({ kind: 'error', error: info });
      if (info.code === 'passphrase_required' || info.code === 'wrong_passphrase') {
        setNeedsPassphrase(true);
        setPassphrase('');
        setTimeout(() => passphraseInput.current?.focus());
      }
    }
  }

  return (
    <main class="options">
      <header>
        <h1>Import a Kalshi API key</h1>
        <p class="hint">
          The private key becomes a non-extractable key in this browser: it can sign requests, but nobody — not even
          this extension — can read it back.
        </p>
      </header>
      <form onSubmit={onSubmit} aria-describedby="import-status" noValidate>
        <EnvironmentSelect
          id="environment"
          value={environment}
          disabled={busy}
          onChange={(env) => {
            environmentChosen.current = true;
            setEnvironment(env);
          }}
        />
        <div class="field">
          <label for="key-id">API key ID</label>
          <input
            id="key-id"
            type="text"
            autocomplete="off"
            spellcheck={false}
            placeholder="a952bcbe-ec3b-4b5b-b8f9-11dae589608c"
            value={keyId}
            disabled={busy}
            onInput={(e) => setKeyId(e.currentTarget.value)}
          />
        </div>
        <div class="field">
          <label for="private-key">Private key</label>
          <textarea
            id="private-key"
            rows={8}
            autocomplete="off"
            spellcheck={false}
            placeholder={'-----BEGIN RSA PRIVATE KEY-----\n…\n-----END RSA PRIVATE KEY-----'}
            value={pemText}
            disabled={busy}
            aria-describedby="private-key-hint"
            onInput={(e) => {
              setPemText(e.currentTarget.value);
              setNeedsPassphrase(false);
              if (fileText.current !== null) clearFile();
            }}
          />
          <p id="private-key-hint" class="hint">
            Paste the key (PKCS#1 “RSA PRIVATE KEY” as Kalshi hands it out, or PKCS#8), or pick the file below.
          </p>
        </div>
        <div class="field">
          <label for="private-key-file">Private key file</label>
          <input
            id="private-key-file"
            ref={fileInput}
            type="file"
            accept=".key,.pem,.txt,text/plain,application/x-pem-file"
            disabled={busy}
            onChange={(e) => void onFile(e.currentTarget.files?.[0])}
          />
          {fileName && <p class="hint">Using {fileName}.</p>}
        </div>
        {needsPassphrase && (
          <div class="field">
            <label for="passphrase">Passphrase</label>
            <input
              id="passphrase"
              ref={passphraseInput}
              type="password"
              autocomplete="off"
              value={passphrase}
              disabled={busy}
              aria-describedby="passphrase-hint"
              onInput={(e) => setPassphrase(e.currentTarget.value)}
            />
            <p id="passphrase-hint" class="hint">
              Used once, inside the extension, to decrypt the key; it is never stored.
            </p>
          </div>
        )}
        <button type="submit" class="primary" disabled={busy}>
          Import key
        </button>
      </form>
      <div id="import-status">
        <StatusMessage status={status} />
      </div>
      <section aria-labelledby="held-heading">
        <h2 id="held-heading">Keys held in this browser</h2>
        {held.length === 0 ? (
          <p class="hint">None yet.</p>
        ) : (
          <ul class="held">
            {held.map((k) => (
              <li key={`${k.environment}:${k.keyId}`}>
                <strong>{k.name}</strong> <span class="badge">{ENVIRONMENT_LABEL[k.environment]}</span>{' '}
                <span class="badge">{k.algorithm}</span> <code>{k.keyId}</code>
              </li>
            ))}
          </ul>
        )}
      </section>
    </main>
  );
}
