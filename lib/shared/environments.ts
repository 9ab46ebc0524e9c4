/** Kalshi's two environments and the hosts that serve each (see shared/kalshi-api-keys.md). */
export type Environment = 'production' | 'demo';

export const ENVIRONMENTS: readonly Environment[] = ['production', 'demo'];

export const API_PREFIX = '/trade-api/v2';

export const HOSTS: Record<Environment, { preferred: string; alternate: string }> = {
  production: { preferred: 'external-api.kalshi.com', alternate: 'api.elections.kalshi.com' },
  demo: { preferred: 'external-api.demo.kalshi.co', alternate: 'demo-api.kalshi.co' },
};

export const ALL_API_HOSTS: readonly string[] = ENVIRONMENTS.flatMap((env) => [HOSTS[env].preferred, HOSTS[env].alternate]);

export const ENVIRONMENT_LABEL: Record<Environment, string> = {
  production: 'Production',
  demo: 'Demo',
};

export function isEnvironment(value: unknown): value is Environment {
  return value === 'production' || value === 'demo';
}

export function baseUrl(env: Environment): string {
  return `https://${HOSTS[env].preferred}${API_PREFIX}`;
}
