import { ENVIRONMENTS, isEnvironment, type Environment } from '../lib/shared/environments';
import { t, type MessageKey } from './i18n';

const ENVIRONMENT_NAME: Record<Environment, MessageKey> = { production: 'environment_production', demo: 'environment_demo' };

/** An environment's name in the user's language. */
export function environmentName(env: Environment): string {
  return t(ENVIRONMENT_NAME[env]);
}

export function EnvironmentSelect(props: { id: string; value: Environment; disabled?: boolean; onChange: (env: Environment) => void }) {
  return (
    <div class="field field-inline">
      <label for={props.id}>{t('environment_label')}</label>
      <select
        id={props.id}
        value={props.value}
        disabled={props.disabled}
        onChange={(e) => {
          const value = e.currentTarget.value;
          if (isEnvironment(value)) props.onChange(value);
        }}
      >
        {ENVIRONMENTS.map((env) => (
          <option key={env} value={env}>
            {environmentName(env)}
          </option>
        ))}
      </select>
    </div>
  );
}
