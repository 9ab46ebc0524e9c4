import { useEffect, useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import { environmentName } from '../../components/EnvironmentSelect';
import { t, type MessageKey } from '../../components/i18n';
import { errorInfoOf, send } from '../../components/messaging';
import type { Status } from '../../components/StatusMessage';
import type { AccountsView, AgentStatus, BotsView, GrantSummary } from '../../lib/messages';
import { agentInstallCommand } from '../../lib/shared/agent-setup';
import { AdmitBot, POWER_WORDS } from './AdmitBot';

const STATE_WORDS: Record<GrantSummary['state'], MessageKey> = {
  live: 'bots_state_live',
  expired: 'bots_state_expired',
  revoked: 'bots_state_revoked',
  key_gone: 'bots_state_key_gone',
};

/** Bots on this computer trade through a held key, via the local agent, without holding it (agent/README.md). */
export function Bots(props: { views: AccountsView[]; onStatus: (s: Status) => void; onLogged: () => void }) {
  const [bots, setBots] = useState<BotsView | null>(null);
  // The grant whose Revoke was clicked once: the next click revokes.
  const [revoking, setRevoking] = useState<string | null>(null);
  const refresh = () => send('getBots', {}).then(setBots, (error) => props.onStatus({ kind: 'error', error: errorInfoOf(error) }));
  useEffect(() => {
    void refresh();
    // The agent's state changes on its own (it starts, another browser holds it): looked at again while open.
    const timer = setInterval(() => void refresh(), 2_000);
    return () => clearInterval(timer);
  }, []);

  async function act(change: Promise<BotsView>, done?: string) {
    try {
      setBots(await change);
      if (done) props.onStatus({ kind: 'success', text: done });
    } catch (error) {
      props.onStatus({ kind: 'error', error: errorInfoOf(error) });
    } finally {
      props.onLogged();
    }
  }

  if (!bots) return null;
  const agentOn = bots.agent.state !== 'off';
  return (
    <section aria-labelledby="bots-heading">
      <h2 id="bots-heading">{t('bots_heading')}</h2>
      <p class="hint">{t('bots_intro')}</p>
      <label class="check">
        <input
          type="checkbox"
          id="agent-on"
          checked={agentOn}
          onChange={(e) => void act(send('setAgent', { on: e.currentTarget.checked }))}
        />{' '}
        {t('bots_agent_on')}
      </label>
      <AgentLine agent={bots.agent} />
      <label class="check">
        <input
          type="checkbox"
          id="bots-paused"
          checked={bots.paused}
          onChange={(e) => {
            const paused = e.currentTarget.checked;
            void act(send('pauseBots', { paused }), paused ? t('bots_paused_done') : t('bots_resumed_done'));
          }}
        />{' '}
        {t('bots_pause_all')}
      </label>
      <AdmitBot views={props.views} onAdmitted={setBots} onStatus={props.onStatus} onLogged={props.onLogged} />
      <h3>{t('bots_grants_heading')}</h3>
      {bots.grants.length === 0 && <p class="hint">{t('bots_none')}</p>}
      <ul class="held grants">
        {bots.grants.map((g) => (
          <li key={g.id}>
            <strong>{g.name}</strong> <span class="badge">{environmentName(g.environment)}</span>{' '}
            <span class={`badge grant-${g.state}`}>{t(STATE_WORDS[g.state])}</span>
            <br />
            {t('bots_grant_line', g.keyName ?? g.keyId, g.powers.map((p) => t(POWER_WORDS[p])).join(', '), g.perSecond)}{' '}
            {g.revokedAt !== undefined
              ? t('bots_revoked_on', new Date(g.revokedAt).toLocaleDateString())
              : t(g.state === 'expired' ? 'bots_expired_on' : 'bots_expires_on', new Date(g.expiresAt).toLocaleDateString())}
            {g.state !== 'revoked' &&
              (revoking === g.id ? (
                // A second click, on a button that says what it does: revoking cannot be undone.
                <button
                  type="button"
                  class="danger-solid"
                  ref={(button) => button?.focus()}
                  onBlur={() => setRevoking(null)}
                  onClick={() => {
                    setRevoking(null);
                    void act(send('revokeBot', { grantId: g.id }), t('bots_revoked', g.name));
                  }}
                >
                  {t('bots_revoke_confirm', g.name)}
                </button>
              ) : (
                <button type="button" class="danger" onClick={() => setRevoking(g.id)}>
                  {t('bots_revoke')}
                </button>
              ))}
          </li>
        ))}
      </ul>
    </section>
  );
}

function AgentLine({ agent }: { agent: AgentStatus }) {
  if (agent.state === 'off') return <p class="hint">{t('bots_agent_off')}</p>;
  if (agent.state === 'starting') return <p class="hint">{t('bots_agent_starting')}</p>;
  if (agent.state === 'serving')
    return (
      <p class="hint" id="agent-serving">
        {t('bots_agent_serving', `http://127.0.0.1:${agent.port}/trade-api/v2`)}
      </p>
    );
  if (agent.state === 'busy') return <p class="hint">{t('bots_agent_busy', agent.port)}</p>;
  return (
    <div class="hint" id="agent-stopped">
      <p>{t('bots_agent_stopped', agent.message)}</p>
      <p>{t('bots_agent_install')}</p>
      <code>{agentInstallCommand(import.meta.env.FIREFOX, browser.runtime.id)}</code>
    </div>
  );
}
