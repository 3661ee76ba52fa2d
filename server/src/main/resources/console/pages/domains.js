// Domain management: the list (with CNAME "check now", stop/start/delete behind a confirmation) and the add form.
import { t } from '../i18n.js';
import * as api from '../api.js';
import { h, field, errorLine, showError, clearErrors, confirmAction, badge, run, localTime } from '../ui.js';

/** Which form field an AddLiveDomain error belongs to, by the API's error code (the message is the API's own). */
function fieldOf(code) {
  if (/DomainName|Domain\.AlreadyExist|QuotaExceeded/.test(code)) return 'DomainName';
  if (/LiveDomainType/.test(code)) return 'LiveDomainType';
  if (/Region/.test(code)) return 'Region';
  if (/Scope/.test(code)) return 'Scope';
  return null;
}

export default async function domains(root, arg, { rerender }) {
  root.append(h('h1', {}, t('domains.title')));
  const centers = await api.call('DescribeLiveCenters');
  root.append(addForm(centers, rerender));
  const list = await api.domains();
  const tableError = errorLine('domains-error');
  const rows = list.map(d => row(d, tableError, rerender));
  root.append(h('section', {},
    h('h2', {}, t('domains.list')),
    tableError,
    list.length === 0 ? h('p', { class: 'note' }, t('domains.none')) :
      h('table', { 'aria-label': t('domains.list') },
        h('thead', {}, h('tr', {}, ['name', 'type', 'center', 'scope', 'cname', 'status', 'created', 'actions']
          .map(c => h('th', { scope: 'col' }, t('domains.col.' + c))))),
        h('tbody', {}, rows))));
}

function addForm(centers, rerender) {
  const name = field(t('domains.name'), h('input', { name: 'DomainName', placeholder: 'live.example.com', autocomplete: 'off' }));
  const type = field(t('domains.type'), h('select', { name: 'LiveDomainType' },
    h('option', { value: 'liveEdge' }, t('type.liveEdge')), h('option', { value: 'liveVideo' }, t('type.liveVideo'))));
  const region = field(t('domains.center'), h('select', { name: 'Region' },
    (centers.LiveCenters?.LiveCenter || []).map(c => h('option', { value: c }, c))));
  const scope = field(t('domains.scope'), h('select', { name: 'Scope' },
    ['domestic', 'overseas', 'global'].map(s => h('option', { value: s }, t('scope.' + s)))));
  const fields = { DomainName: name, LiveDomainType: type, Region: region, Scope: scope };
  const formError = errorLine('add-domain-error');
  const submit = h('button', { type: 'submit', class: 'primary' }, t('domains.add'));
  const form = h('form', { class: 'form', 'aria-label': t('domains.addTitle'), onsubmit: async ev => {
    ev.preventDefault();
    clearErrors(form);
    submit.disabled = true;
    try {
      await api.call('AddLiveDomain', { DomainName: name.control.value.trim(), LiveDomainType: type.control.value,
        Region: region.control.value, Scope: scope.control.value });
      await rerender();
    } catch (e) {
      const f = fields[fieldOf(e.code)];
      showError(f ? f.error : formError, e);
      (f ? f.control : submit).focus();
    } finally {
      submit.disabled = false;
    }
  } }, ...name.row, ...type.row, ...region.row, ...scope.row, h('span'), h('div', {}, submit, formError));
  return h('section', {}, h('h2', {}, t('domains.addTitle')),
    h('p', { class: 'note' }, t('domains.cnameHint', { zone: centers.CnameZone })), form);
}

function row(d, line, rerender) {
  const name = d.DomainName;
  const cnameStatus = h('span', {}, badge(d.CnameStatus));
  const check = h('button', { type: 'button', 'data-action': 'check-cname' }, t('domains.checkNow'));
  check.addEventListener('click', () => run(check, line, async () => {
    const r = await api.call('CheckLiveDomainCname', { DomainName: name });
    cnameStatus.replaceChildren(badge(r.CnameStatus));
  }));
  const online = d.LiveDomainStatus === 'online';
  const toggle = h('button', { type: 'button', 'data-action': online ? 'stop' : 'start' }, t(online ? 'domains.stop' : 'domains.start'));
  toggle.addEventListener('click', () => run(toggle, line, async () => {
    if (!await confirmAction(t(online ? 'domains.confirmStop' : 'domains.confirmStart', { name }), t(online ? 'domains.stop' : 'domains.start'))) return;
    await api.call(online ? 'StopLiveDomain' : 'StartLiveDomain', { DomainName: name });
    await rerender();
  }));
  const del = h('button', { type: 'button', class: 'danger', 'data-action': 'delete' }, t('domains.delete'));
  del.addEventListener('click', () => run(del, line, async () => {
    if (!await confirmAction(t('domains.confirmDelete', { name }), t('domains.delete'))) return;
    await api.call('DeleteLiveDomain', { DomainName: name });
    await rerender();
  }));
  return h('tr', { 'data-domain': name },
    h('td', {}, h('a', { href: '#/domains/' + encodeURIComponent(name) }, name)),
    h('td', {}, t('type.' + d.LiveDomainType)),
    h('td', {}, d.RegionName),
    h('td', {}, t('scope.' + (d.Scope || 'domestic'))),
    h('td', {}, h('div', { class: 'mono' }, d.Cname), h('div', { class: 'row' }, cnameStatus, check)),
    h('td', {}, badge(d.LiveDomainStatus)),
    h('td', {}, localTime(d.GmtCreated)),
    h('td', {}, h('div', { class: 'row' }, h('a', { href: '#/domains/' + encodeURIComponent(name) }, t('domains.configure')), toggle, del)));
}
