import { useEffect, useRef, useState } from 'preact/hooks';
import { EnvironmentSelect, environmentName } from '../../components/EnvironmentSelect';
import { HostAccess } from '../../components/HostAccess';
import { t } from '../../components/i18n';
import { errorInfoOf, send } from '../../components/messaging';
import { StatusMessage, type Status } from '../../components/StatusMessage';
import { ENVIRONMENTS, type Environment } from '../../lib/shared/environments';
import type { AccountsView } from '../../lib/messages';
import { Activity } from './Activity';
import { Bots } from './Bots';
import { HeldKeys } from './HeldKeys';

const MAX_FILE_BYTES = 20_000;
/** Format examples, not words: the same in every language. */
const KEY_ID_EXAMPLE = 'a952bcbe-ec3b-4b5b-b8f9-11dae589608c';

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
  const [views, setViews] = useState<AccountsView[]>([]);
  // Bumped after each import attempt: the activity log has a new entry to show.
  const [activityVersion, setActivityVersion] = useState(0);
  // The chosen file's text stays in memory only, never in the DOM.
  const fileText = useRef<string | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  // The remembered environment must not override a choice the user already made.
  const environmentChosen = useRef(false);
  const busy = status.kind === 'busy';

  const refreshHeld = () =>
    Promise.all(ENVIRONMENTS.map((env) => send('getAccounts', { environment: env })))
      .then(setViews)
      .catch(() => setViews([]));

  useEffect(() => {
    document.title = t('options_title');
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
      setStatus({
        kind: 'error',
        error: { code: 'malformed_key', message: t('options_file_too_large'), hint: t('options_file_too_large_hint') },
      });
      return;
    }
    fileText.current = await file.text();
    setFileName(file.name);
    setPemText('');
  }

  async function onSubmit(event: Event) {
    event.preventDefault();
    if (busy) return;
    setStatus({ kind: 'busy', text: t('options_busy_checking', environmentName(environment)) });
    try {
      const pem = fileText.current ?? pemText;
      const key = await send('importKey', { environment, keyId, pem, ...(needsPassphrase ? { passphrase } : {}) });
      forgetPem();
      setKeyId('');
      setStatus({
        kind: 'success',
        text: t('options_imported', key.name, key.keyId, environmentName(environment)),
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
    } finally {
      setActivityVersion((v) => v + 1);
    }
  }

  return (
    <main class="options">
      <header>
        <h1>{t('options_heading')}</h1>
        <p class="hint">{t('options_intro')}</p>
      </header>
      {/* For the environment chosen below: an import is proved with a signed request to its host. */}
      <HostAccess environment={environment} onGranted={() => status.kind === 'error' && setStatus({ kind: 'idle' })} />
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
          <label for="key-id">{t('options_key_id_label')}</label>
          <input
            id="key-id"
            type="text"
            autocomplete="off"
            spellcheck={false}
            placeholder={KEY_ID_EXAMPLE}
            value={keyId}
            disabled={busy}
            onInput={(e) => setKeyId(e.currentTarget.value)}
          />
        </div>
        <div class="field">
          <label for="private-key">{t('options_private_key_label')}</label>
          <textarea
            id="private-key"
            rows={8}
            autocomplete="off"
            spellcheck={false}
            placeholder={t('options_private_key_placeholder')}
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
            {t('options_private_key_hint')}
          </p>
        </div>
        <div class="field">
          <label for="private-key-file">{t('options_file_label')}</label>
          <input
            id="private-key-file"
            ref={fileInput}
            type="file"
            accept=".key,.pem,.txt,text/plain,application/x-pem-file"
            disabled={busy}
            onChange={(e) => void onFile(e.currentTarget.files?.[0])}
          />
          {fileName && <p class="hint">{t('options_using_file', fileName)}</p>}
        </div>
        {needsPassphrase && (
          <div class="field">
            <label for="passphrase">{t('options_passphrase_label')}</label>
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
              {t('options_passphrase_hint')}
            </p>
          </div>
        )}
        <button type="submit" class="primary" disabled={busy}>
          {t('options_import_button')}
        </button>
      </form>
      <div id="import-status">
        <StatusMessage status={status} />
      </div>
      <HeldKeys
        views={views}
        onRenamed={(view) => {
          setViews((all) => all.map((v) => (v.environment === view.environment ? view : v)));
          setActivityVersion((v) => v + 1); // the log's account filter shows the new name
        }}
        onStatus={setStatus}
      />
      <Bots views={views} onStatus={setStatus} onLogged={() => setActivityVersion((v) => v + 1)} />
      <Activity version={activityVersion} views={views} onStatus={setStatus} />
      <footer class="options-footer">
        {/* The policy ships with the extension (public/privacy.html, from docs/privacy.md): no remote page. */}
        <a href="/privacy.html" target="_blank" rel="noopener">
          {t('options_privacy_link')}
        </a>
      </footer>
    </main>
  );
}
