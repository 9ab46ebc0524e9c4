/**
 * kalshi-keys-agent's command line. A browser starts a native host with the caller's origin as its
 * first argument (Chrome: chrome-extension://<id>/; Firefox: the manifest's path, then the add-on's
 * id): then it is the agent. Otherwise a command: install or uninstall (cli.ts).
 */
import { fileURLToPath } from 'node:url';
import { command, thisSystem } from './cli';
import { main } from './main';

const [first] = process.argv.slice(2);
const startedByBrowser = first !== undefined && (first.startsWith('chrome-extension://') || first.endsWith('.json'));
if (startedByBrowser)
  main().catch((error: unknown) => {
    process.stderr.write(`kalshi-keys-agent: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
else {
  try {
    process.stdout.write(`${command(process.argv.slice(2), thisSystem(fileURLToPath(import.meta.url)))}\n`);
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 2;
  }
}
