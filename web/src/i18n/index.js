import { createI18n } from 'vue-i18n';
import zhCN from './zh-CN.js';
import en from './en.js';
import { REFUSALS } from './refusals.js';
import { setFormatLocale } from '../format.js';

const saved = typeof localStorage !== 'undefined' ? localStorage.getItem('wl-locale') : null;
const locale = saved === 'en' ? 'en' : 'zh-CN';
setFormatLocale(locale);

export const i18n = createI18n({
  legacy: false,
  locale,
  fallbackLocale: 'zh-CN',
  messages: { 'zh-CN': zhCN, en },
  missingWarn: false,
  fallbackWarn: false,
});

export function setLocale(l) {
  i18n.global.locale.value = l;
  setFormatLocale(l);
  localStorage.setItem('wl-locale', l);
  document.documentElement.lang = l;
}

// A refused request, explained: {field, text}. `field` is the form field it concerns
// (or null); `text` is in the current language.
export function explainRefusal(err) {
  const { t } = i18n.global;
  // a correction's data is checked as "data.data.<field>"
  const message = (err?.message || '').replace(/^data\.data\./, 'data.');
  if (err?.code === 'INVALID_EVENT' || err?.code === 'REFERENCE_ERROR') {
    for (const r of REFUSALS) {
      const m = r.re.exec(message);
      if (!m) continue;
      const params = Object.fromEntries((r.names || []).map((n, i) => [n, m[i + 1]]));
      const field = r.field || params.field || null;
      if (field) params.label = t(`field.${field}`);
      return { field, text: t(`refusal.${r.key}`, params) };
    }
  }
  const byCode = {
    UNAUTHORIZED: 'unauthorized',
    FORBIDDEN: 'forbidden',
    DUPLICATE_ID: 'duplicateId',
    VERSION_CONFLICT: 'versionConflict',
    NETWORK: 'network',
    NOT_FOUND: 'notFound',
    TOO_MANY_ATTEMPTS: 'tooMany',
    NO_SPACE: 'noSpace',
    UNAVAILABLE: 'unavailable',
  };
  const key = byCode[err?.code];
  if (key) return { field: null, text: t(`refusal.${key}`, { seconds: err.retryAfter ?? '' }) };
  return { field: null, text: t('refusal.generic', { message }) };
}
