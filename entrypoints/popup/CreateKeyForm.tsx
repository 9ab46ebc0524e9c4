import { useState } from 'preact/hooks';

export function CreateKeyForm({ busy, onCreate }: { busy: boolean; onCreate: (name: string) => Promise<boolean> }) {
  const [name, setName] = useState('');
  return (
    <form
      class="create"
      onSubmit={async (e) => {
        e.preventDefault();
        if (await onCreate(name)) setName('');
      }}
    >
      <div class="field">
        <label for="key-name">Key name</label>
        <div class="create-row">
          <input id="key-name" type="text" maxLength={100} value={name} disabled={busy} placeholder="e.g. laptop" onInput={(e) => setName(e.currentTarget.value)} />
          <button type="submit" class="primary" disabled={busy}>
            Create key
          </button>
        </div>
        <p class="hint">RSA-2048, read and write. The private key is made here and never leaves this browser.</p>
      </div>
    </form>
  );
}
