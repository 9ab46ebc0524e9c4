/**
 * The one entry point for key text a user pastes or picks: plain keys go straight
 * to parsePrivateKeyPem; passphrase-protected PKCS#8 keys are decrypted first
 * (lib/pbes2.ts) and then recognised by the same parser. Throws AppError only.
 */
import { AppError } from '../shared/errors';
import { decryptPrivateKeyPem, isEncryptedPrivateKeyPem } from './pbes2';
import { parsePrivateKeyPem, type ParsedPrivateKey } from './pem';
import { withoutEcho } from './pem-text';
import { pkcs8ToPem } from './pem-write';

/**
 * Parses pasted key text; when it is encrypted, decrypts it with the passphrase first. No error's
 * detail repeats a run of the text or the passphrase (withoutEcho).
 */
export async function readPrivateKey(text: string, passphrase?: string): Promise<ParsedPrivateKey> {
  try {
    return await read(text, passphrase);
  } catch (e) {
    const error = e instanceof AppError ? e : new AppError('internal', 'unexpected failure while reading a key', { cause: e });
    throw withoutEcho(withoutEcho(error, text), passphrase);
  }
}

async function read(text: string, passphrase?: string): Promise<ParsedPrivateKey> {
  // Whatever parsePrivateKeyPem accepts is returned exactly as before (including a plain
  // key bundled with an encrypted one); only its failures on encrypted text are taken further.
  try {
    return parsePrivateKeyPem(text);
  } catch (e) {
    if (!isEncryptedPrivateKeyPem(text)) throw e;
  }
  // The container is checked before the passphrase: an scrypt or damaged key is refused
  // straight away instead of asking for a passphrase that cannot help.
  const pkcs8 = await decryptPrivateKeyPem(text, typeof passphrase === 'string' ? passphrase : '');
  try {
    return parsePrivateKeyPem(pkcs8ToPem(pkcs8)); // parsePrivateKeyPem re-encodes: its result shares no bytes with pkcs8
  } catch (e) {
    throw e instanceof AppError ? e : new AppError('internal', 'unexpected failure while reading a key', { cause: e });
  } finally {
    pkcs8.fill(0);
  }
}
