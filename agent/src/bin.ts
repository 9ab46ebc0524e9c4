#!/usr/bin/env node
/**
 * kalshi-keys-agent's command line. A browser starts a native host with the caller's origin as its
 * first argument (Chrome: chrome-extension://<id>/; Firefox: the manifest's path, then the add-on's
 * id): then it is the relay to the agent (relay.ts). `serve` is the agent itself (daemon.ts), which
 * the relay starts; `stop` stops it; `install` and `uninstall` register it with a browser (cli.ts).
 */
import { fileURLToPath } from 'node:url';
import { command, thisSystem } from './cli';
import { log, serve } from './daemon';
import { relay } from './relay';
import { stopAgent } from './stop';

const args = process.argv.slice(2);
const [first] = args;
// Bundled, this is the bundle: the file a launcher runs, and the relay starts the agent with.
const script = fileURLToPath(import.meta.url);

if (first !== undefined && (first.startsWith('chrome-extension://') || first.endsWith('.json'))) void relay(script, process.env);
else if (first === 'serve')
  serve(process.env).catch((error: unknown) => {
    log(error instanceof Error ? error.message : String(error));
    process.exit(1);
  });
else
  commandLine().then(
    (words) => process.stdout.write(`${words}\n`),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 2;
    },
  );

async function commandLine(): Promise<string> {
  if (first === 'stop') return stopAgent(process.env);
  const said = command(args, thisSystem(script));
  // A running agent would go on answering bots 503 for a browser that can no longer reach it.
  if (first === 'uninstall') return `${said}\n${await stopAgent(process.env).catch(() => '')}`.trimEnd();
  return said;
}
