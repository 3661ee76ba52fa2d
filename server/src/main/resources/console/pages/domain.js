// Domain configuration: basic info, push info (associate/unassociate a push domain), access control → URL auth.
import { t } from '../i18n.js';
import * as api from '../api.js';
import { h, field, errorLine, showError, clearErrors, confirmAction, badge, run, localTime } from '../ui.js';

const KEY_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A new random key: 16 letters and digits (the API takes 6-128), from the browser's CSPRNG. */
function randomKey() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, b => KEY_CHARS[b % KEY_CHARS.length]).join('');
}

export default async function domain(root, name, { rerender }) {
  const detail = (await api.call('DescribeLiveDomainDetail', { DomainName: name })).DomainDetail;
  root.append(h('p', {}, h('a', { href: '#/domains' }, t('domain.back'))), h('h1', {}, t('domain.title', { name: detail.DomainName })));
  root.append(basicInfo(detail));
  root.append(await pushInfo(detail, rerender));
  root.append(await urlAuth(detail));
}

function basicInfo(d) {
  const item = (k, v) => [h('dt', {}, t('domain.' + k)), h('dd', {}, v)];
  return h('section', { 'data-section': 'basic' }, h('h2', {}, t('domain.basic')), h('dl', { class: 'form' },
    item('name', d.DomainName), item('type', t('type.' + d.LiveDomainType)), item('center', d.Region),
    item('scope', t('scope.' + d.Scope)), item('status', badge(d.DomainStatus)),
    item('cname', h('span', { class: 'mono' }, d.Cname)), item('cnameStatus', cnameCheck(d)),
    item('created', localTime(d.GmtCreated))));
}

/** The CNAME status with its "check now" button (the node's CNAME poller runs the check at once). */
function cnameCheck(d) {
  const status = h('span', {}, badge(d.CnameStatus));
  const line = errorLine('cname-error');
  const check = h('button', { type: 'button', 'data-action': 'check-cname' }, t('domains.checkNow'));
  check.addEventListener('click', () => run(check, line, async () => {
    const r = await api.call('CheckLiveDomainCname', { DomainName: d.DomainName });
    status.replaceChildren(badge(r.CnameStatus));
  }));
  return h('div', {}, h('div', { class: 'row' }, status, check), line);
}

async function pushInfo(d, rerender) {
  const section = h('section', { 'data-section': 'push' }, h('h2', {}, t('domain.push')));
  const mapped = (await api.call('DescribeLiveDomainMapping', { DomainName: d.DomainName })).LiveDomainModels?.LiveDomainModel || [];
  const line = errorLine('mapping-error');
  if (d.LiveDomainType === 'liveEdge') {
    section.append(h('p', {}, mapped.length ? t('domain.playDomainsOf', { list: mapped.map(m => m.DomainName).join(', ') })
      : t('domain.noPlayDomains')));
    return section;
  }
  if (mapped.length) {
    const push = mapped[0].DomainName;
    const unmap = h('button', { type: 'button', class: 'danger', 'data-action': 'unassociate' }, t('domain.unassociate'));
    unmap.addEventListener('click', () => run(unmap, line, async () => {
      if (!await confirmAction(t('domain.confirmUnassociate', { push, play: d.DomainName }), t('domain.unassociate'))) return;
      await api.call('DeleteLiveDomainMapping', { PushDomain: push, PullDomain: d.DomainName });
      await rerender();
    }));
    section.append(h('p', { 'data-push-domain': push }, t('domain.associatedWith', { push })), unmap, line);
    return section;
  }
  const candidates = (await api.domains()).filter(x => x.LiveDomainType === 'liveEdge');
  const select = field(t('domain.pushDomain'), h('select', { name: 'PushDomain' },
    candidates.map(c => h('option', { value: c.DomainName }, c.DomainName + ' (' + c.RegionName + ')'))));
  const associate = h('button', { type: 'submit', class: 'primary' }, t('domain.associate'));
  const form = h('form', { class: 'form', onsubmit: ev => {
    ev.preventDefault();
    run(associate, select.error, async () => {
      await api.call('AddLiveDomainMapping', { PushDomain: select.control.value, PullDomain: d.DomainName });
      await rerender();
    });
  } }, ...select.row, h('span'), associate);
  section.append(h('p', { class: 'note' }, candidates.length ? t('domain.notAssociated') : t('domain.noPushDomains')), form);
  return section;
}

async function urlAuth(d) {
  const r = await api.call('DescribeLiveDomainConfigs', { DomainName: d.DomainName, FunctionNames: 'aliauth' });
  const args = {};
  for (const a of r.DomainConfigs?.DomainConfig?.[0]?.FunctionArgs?.FunctionArg || []) args[a.ArgName] = a.ArgValue;
  const enabled = field(t('auth.enabled'), h('input', { type: 'checkbox', name: 'auth_type', checked: args.auth_type === 'type_a' }));
  const key1 = keyField(t('auth.primary'), 'auth_key1', args.auth_key1 || '');
  const key2 = keyField(t('auth.backup'), 'auth_key2', args.auth_key2 || '');
  const delta = field(t('auth.validity'), h('input', { type: 'number', name: 'ali_auth_delta', min: '1', step: '1', value: args.ali_auth_delta || '1800' }),
    t('auth.validityHint'));
  const fields = { auth_key1: key1, auth_key2: key2, ali_auth_delta: delta, auth_type: enabled };
  const formError = errorLine('auth-error');
  const status = h('p', { class: 'status', role: 'status' });
  const save = h('button', { type: 'submit', class: 'primary' }, t('auth.save'));
  const form = h('form', { class: 'form', 'aria-label': t('auth.title'), onsubmit: async ev => {
    ev.preventDefault();
    clearErrors(form);
    status.textContent = '';
    save.disabled = true;
    try {
      const functionArgs = [
        { argName: 'auth_type', argValue: enabled.control.checked ? 'type_a' : 'no_auth' },
        { argName: 'auth_key1', argValue: key1.control.value },
        { argName: 'auth_key2', argValue: key2.control.value },
        { argName: 'ali_auth_delta', argValue: delta.control.value },
      ];
      await api.call('BatchSetLiveDomainConfigs', { DomainNames: d.DomainName,
        Functions: JSON.stringify([{ functionName: 'aliauth', functionArgs }]) });
      status.textContent = t('auth.saved');
    } catch (e) {
      // the API names the argument in its message (auth_key1 …, ali_auth_delta …)
      const f = Object.keys(fields).find(k => (e.message || '').includes(k)) || (/AuthDelta/.test(e.code) ? 'ali_auth_delta' : null);
      showError(f ? fields[f].error : formError, e);
    } finally {
      save.disabled = false;
    }
  } }, ...enabled.row, ...key1.row, ...key2.row, ...delta.row, h('span'), h('div', {}, save, status, formError));
  return h('section', { 'data-section': 'auth' }, h('h2', {}, t('auth.title')), h('p', { class: 'note' }, t('auth.hint')), form);
}

/** A key: masked until revealed, editable, regenerable. */
function keyField(labelText, name, value) {
  const input = h('input', { type: 'password', name, autocomplete: 'off', spellcheck: 'false', class: 'mono' });
  input.value = value;
  const reveal = h('button', { type: 'button', 'aria-pressed': 'false', 'data-action': 'reveal-' + name }, t('auth.reveal'));
  reveal.addEventListener('click', () => {
    const shown = input.type === 'password';
    input.type = shown ? 'text' : 'password';
    reveal.setAttribute('aria-pressed', String(shown));
    reveal.textContent = t(shown ? 'auth.hide' : 'auth.reveal');
  });
  const regenerate = h('button', { type: 'button', 'data-action': 'regenerate-' + name }, t('auth.regenerate'));
  regenerate.addEventListener('click', () => { input.value = randomKey(); });
  const f = field(labelText, input, t('auth.keyHint'));
  f.row[1].prepend(h('div', { class: 'row' }, input, reveal, regenerate));
  return f;
}
