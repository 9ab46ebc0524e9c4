import { t } from '../../components/i18n';

/** "just now", "5 min ago", "3 h ago", "2 days ago" (in the user's language). */
export function timeAgo(then: number, now: number): string {
  const s = Math.max(0, Math.round((now - then) / 1000));
  if (s < 60) return t('time_just_now');
  if (s < 3600) return t('time_minutes_ago', Math.floor(s / 60));
  if (s < 86_400) return t('time_hours_ago', Math.floor(s / 3600));
  const days = Math.floor(s / 86_400);
  return days === 1 ? t('time_day_ago', days) : t('time_days_ago', days);
}
