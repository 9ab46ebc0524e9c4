import { ENVIRONMENT_LABEL, ENVIRONMENTS, isEnvironment, type Environment } from '../lib/environments';

export function EnvironmentSelect(props: { id: string; value: Environment; disabled?: boolean; onChange: (env: Environment) => void }) {
  return (
    <div class="field field-inline">
      <label for={props.id}>Environment</label>
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
            {ENVIRONMENT_LABEL[env]}
          </option>
        ))}
      </select>
    </div>
  );
}
