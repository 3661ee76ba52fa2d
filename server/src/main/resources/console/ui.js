// Small DOM helpers. Text always goes in as text nodes (never innerHTML), so API data cannot inject markup.
import { t, lang } from './i18n.js';

/** h('button', {type: 'button', onclick: f}, 'text', child…) */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else if (k in el && typeof v !== 'string') el[k] = v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

let ids = 0;
/** A fresh element id, for label/for and aria-describedby pairs. */
export function uid(prefix) { return `${prefix}-${++ids}`; }

/** A labelled control with its own error line under it: {row: [label, field], control, error}. */
export function field(labelText, control, hint) {
  if (!control.id) control.id = uid('f');
  const error = h('p', { class: 'error', id: control.id + '-error', role: 'alert', 'aria-live': 'polite' });
  control.setAttribute('aria-describedby', error.id);
  const label = h('label', { for: control.id }, labelText);
  const box = h('div', { class: 'field' }, control, hint ? h('span', { class: 'note' }, hint) : null, error);
  return { row: [label, box], control, error };
}

/** An error line for an action (a button, a table); empty until set. */
export function errorLine(id) { return h('p', { class: 'error', role: 'alert', 'aria-live': 'polite', id: id || uid('e') }); }

/** Shows an API error in an error line, in the user's language with the API's own message. */
export function showError(line, e) {
  if (!line) return;
  line.textContent = e ? t('error.api', { code: e.code || 'Error', message: e.message }) : '';
}

/** Clears every error line inside a container. */
export function clearErrors(root) { root.querySelectorAll('.error').forEach(p => { p.textContent = ''; }); }

/** Asks before a destructive action; resolves true on OK. The dialog is modal and keyboard-operable (Esc cancels). */
export function confirmAction(text, okLabel) {
  const dialog = document.getElementById('confirm');
  document.getElementById('confirm-text').textContent = text;
  document.getElementById('confirm-ok').textContent = okLabel || t('common.ok');
  document.getElementById('confirm-cancel').textContent = t('common.cancel');
  return new Promise(resolve => {
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'ok'), { once: true });
    dialog.returnValue = '';
    dialog.showModal();
    document.getElementById('confirm-cancel').focus();
  });
}

/** A read-only URL with a copy button and a status line. */
export function copyable(labelText, value, name) {
  const input = h('input', { class: 'url', readonly: true, id: uid('url'), 'data-url': name });
  input.value = value;
  const status = h('span', { class: 'status', role: 'status' });
  const button = h('button', { type: 'button', 'data-copy': name, onclick: async () => {
    status.textContent = '';
    try {
      await copyText(input);
      status.textContent = t('common.copied');
    } catch (e) {
      status.textContent = t('common.copyFailed');
    }
  } }, t('common.copy'));
  return [h('label', { for: input.id }, labelText), h('div', { class: 'field' }, h('div', { class: 'row' }, input, button), status)];
}

async function copyText(input) {
  if (navigator.clipboard && window.isSecureContext) {
    await navigator.clipboard.writeText(input.value);
    return;
  }
  // plain-HTTP consoles on a LAN address are not a secure context: fall back to selecting the text
  input.select();
  if (!document.execCommand('copy')) throw new Error('copy refused');
}

/** A badge for a status word the API returns (online, offline, configured, pending). */
export function badge(word) { return h('span', { class: 'badge ' + word }, t('status.' + word)); }

/** Runs an async action from a button: disables it meanwhile and puts any error in the line. */
export async function run(button, line, action) {
  showError(line, null);
  if (button) button.disabled = true;
  try {
    return await action();
  } catch (e) {
    showError(line, e);
    return undefined;
  } finally {
    if (button) button.disabled = false;
  }
}

/** The API's time format: UTC, whole seconds, 2017-12-21T08:00:00Z. */
export function apiTime(date) { return date.toISOString().replace(/\.\d{3}Z$/, 'Z'); }

/** A time from the API shown in the browser's zone. */
export function localTime(s) { return s ? new Date(s).toLocaleString(lang()) : ''; }
