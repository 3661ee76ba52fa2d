// One dictionary per language (i18n/<lang>.js); the choice persists in localStorage and sets <html lang>.
import en from './i18n/en.js';
import zhCN from './i18n/zh-CN.js';

const dictionaries = { 'en': en, 'zh-CN': zhCN };
const STORAGE_KEY = 'livecloud.lang';
let current = pickInitial();

function pickInitial() {
  const saved = localStorage.getItem(STORAGE_KEY);
  if (saved && dictionaries[saved]) return saved;
  return (navigator.language || '').toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}

export function lang() { return current; }

export function setLang(l) {
  if (!dictionaries[l]) return;
  current = l;
  localStorage.setItem(STORAGE_KEY, l);
  document.documentElement.lang = l;
}

/** The text of a key in the current language ({name} placeholders filled from vars), English when missing. */
export function t(key, vars = {}) {
  const text = dictionaries[current][key] ?? en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (m, name) => (name in vars ? String(vars[name]) : m));
}

document.documentElement.lang = current;
