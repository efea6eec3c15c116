// The plain-language reason of a studio's flag, from its figure in /v1/flags.
import { formatDate, daysBetween } from './format.js';

export const FLAG_KINDS = ['INACTIVE', 'LATE_RECORDING', 'NO_RULES', 'OVERDUE_CASES', 'OVERDUE_FINDINGS'];

export function flagReason(t, figure, now = Date.now()) {
  switch (figure.flag) {
    case 'INACTIVE':
      if (!figure.lastActivityAt) return t('flagReason.INACTIVE_NEVER', { window: figure.windowDays });
      return t('flagReason.INACTIVE', {
        date: formatDate(figure.lastActivityAt),
        days: daysBetween(figure.lastActivityAt, now),
      });
    case 'LATE_RECORDING':
      return t('flagReason.LATE_RECORDING', {
        percent: figure.events ? Math.round((100 * figure.late) / figure.events) : 0,
        window: figure.windowDays,
        events: figure.events,
        late: figure.late,
        delay: figure.delayDays,
      });
    case 'NO_RULES':
      return t('flagReason.NO_RULES', { days: figure.licensedDays, date: formatDate(figure.licensedOn) });
    case 'OVERDUE_CASES':
      return t('flagReason.OVERDUE_CASES', {
        overdue: figure.overdue,
        days: figure.overdueDays,
        date: formatDate(figure.oldestOpenedAt),
      });
    case 'OVERDUE_FINDINGS':
      return t('flagReason.OVERDUE_FINDINGS', { overdue: figure.overdue, date: formatDate(figure.earliestDueOn) });
    default:
      return t(`flag.${figure.flag}`);
  }
}
