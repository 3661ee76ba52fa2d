// Snapshots (截图): the snapshot configurations of a push domain (or of a play domain mapped to one: they are kept
// under the push domain), adding, editing and deleting them, and the latest shots of a stream.
import { t } from '../i18n.js';
import * as api from '../api.js';
import { h, field, errorLine, showError, clearErrors, confirmAction, run, localTime, apiTime } from '../ui.js';

/** What an empty add form stands for (the README's example): one overwritten picture and one object per shot. */
const DEFAULT_OVERWRITE = '{AppName}/{StreamName}.jpg';
const DEFAULT_SEQUENCE = 'snapshot/{AppName}/{StreamName}/{UnixTimestamp}.jpg';
const SHOTS_WINDOW_MS = 60 * 60 * 1000;
const SHOTS_LIMIT = 20;

/** Which form field an error belongs to, by the API's error code (the message is the API's own). */
function fieldOf(code) {
  const m = /^(?:Invalid|Missing)(\w+?)(?:\.|$)/.exec(code || '');
  return m ? m[1] : null;
}

/** Push domains, and the play domains mapped to one (shown with the push domain their configurations live under). */
async function snapshotDomains() {
  const all = await api.domains();
  const plays = all.filter(d => d.LiveDomainType === 'liveVideo');
  const mappings = await Promise.all(plays.map(d => api.call('DescribeLiveDomainMapping', { DomainName: d.DomainName })));
  const choices = all.filter(d => d.LiveDomainType === 'liveEdge').map(d => ({ name: d.DomainName, label: d.DomainName }));
  plays.forEach((d, i) => {
    const push = mappings[i].LiveDomainModels?.LiveDomainModel?.[0]?.DomainName;
    if (push) choices.push({ name: d.DomainName, label: t('snapshots.playOf', { play: d.DomainName, push }) });
  });
  return choices;
}

export default async function snapshots(root) {
  root.append(h('h1', {}, t('snapshots.title')));
  const choices = await snapshotDomains();
  if (!choices.length) {
    root.append(h('p', { class: 'note' }, t('snapshots.noDomains')));
    return;
  }
  const saved = sessionStorage.getItem('livecloud.snapshots.domain');
  const domain = field(t('snapshots.domain'), h('select', { name: 'DomainName' },
    choices.map(c => h('option', { value: c.name, selected: c.name === saved }, c.label))));
  const body = h('div');
  root.append(h('section', {}, h('div', { class: 'form' }, ...domain.row)), body);

  let latest = 0;
  async function load() {
    const mine = ++latest;
    sessionStorage.setItem('livecloud.snapshots.domain', domain.control.value);
    const d = domain.control.value;
    const editor = h('div');
    const list = await configs(d, load, editor);
    // a domain chosen while this one loaded renders itself: a slower, older answer must not replace it
    if (mine === latest) body.replaceChildren(list, editor, addForm(d, load), shots(d));
  }
  domain.control.addEventListener('change', () => run(null, domain.error, load));
  await load();
}

function storageOf(c) {
  return c.OssBucket ? c.OssBucket + (c.OssEndpoint ? ' @ ' + c.OssEndpoint : '') : t('snapshots.localStore');
}

async function configs(domain, reload, editor) {
  const section = h('section', { 'data-section': 'configs', 'data-domain': domain }, h('h2', {}, t('snapshots.configs')));
  const line = errorLine('configs-error');
  section.append(line);
  const list = await api.all('DescribeLiveSnapshotConfig', { DomainName: domain, Order: 'asc' }, 'PageNum',
    r => r.LiveStreamSnapshotConfigList?.LiveStreamSnapshotConfig);
  if (!list.length) {
    section.append(h('p', { class: 'note' }, t('snapshots.none')));
    return section;
  }
  const rows = list.map(c => {
    const edit = h('button', { type: 'button', 'data-action': 'edit' }, t('snapshots.edit'));
    edit.addEventListener('click', () => {
      editor.replaceChildren(editForm(domain, c, reload, () => editor.replaceChildren()));
      editor.querySelector('input')?.focus();
    });
    const del = h('button', { type: 'button', class: 'danger', 'data-action': 'delete' }, t('snapshots.delete'));
    del.addEventListener('click', () => run(del, line, async () => {
      if (!await confirmAction(t('snapshots.confirmDelete', { app: c.AppName }), t('snapshots.delete'))) return;
      await api.call('DeleteLiveAppSnapshotConfig', { DomainName: domain, AppName: c.AppName });
      await reload();
    }));
    return h('tr', { 'data-app': c.AppName },
      h('td', {}, c.AppName === '*' ? t('snapshots.anyApp') : c.AppName),
      h('td', {}, t('snapshots.seconds', { n: c.TimeInterval })),
      h('td', { class: 'mono' }, c.OverwriteOssObject || '—'),
      h('td', { class: 'mono' }, c.SequenceOssObject || '—'),
      h('td', {}, storageOf(c)),
      h('td', {}, localTime(c.CreateTime)),
      h('td', {}, h('div', { class: 'row' }, edit, del)));
  });
  section.append(h('table', { 'aria-label': t('snapshots.configs') },
    h('thead', {}, h('tr', {}, ['app', 'interval', 'overwrite', 'sequence', 'storage', 'created', 'actions']
      .map(c => h('th', { scope: 'col' }, t('snapshots.col.' + c))))),
    h('tbody', {}, rows)));
  return section;
}

/**
 * The fields both forms have; `values` fills them for an edit. The forms are `novalidate`: the API checks the values
 * and its message goes under the field, one set of rules for the SDK, the CLI and the page.
 */
function configFields(values = {}) {
  const input = (name, attrs = {}) => h('input', { name, autocomplete: 'off', ...attrs });
  const interval = field(t('snapshots.interval'), input('TimeInterval', { type: 'number', min: 5, max: 3600,
    value: values.TimeInterval ?? 5 }), t('snapshots.intervalHint'));
  const overwrite = field(t('snapshots.overwrite'), input('OverwriteOssObject', { class: 'url', placeholder: DEFAULT_OVERWRITE,
    value: values.OverwriteOssObject ?? '' }), t('snapshots.overwriteHint'));
  const sequence = field(t('snapshots.sequence'), input('SequenceOssObject', { class: 'url', placeholder: DEFAULT_SEQUENCE,
    value: values.SequenceOssObject ?? '' }), t('snapshots.sequenceHint'));
  return { interval, overwrite, sequence };
}

/** Sends a form's action and hands its answer to done; an error goes under the field its code names, else beside the button. */
async function submitWith(form, submit, formError, fields, action, params, done) {
  clearErrors(form);
  submit.disabled = true;
  try {
    await done(await api.call(action, params));
  } catch (e) {
    const f = fields[fieldOf(e.code)];
    showError(f ? f.error : formError, e);
    (f ? f.control : submit).focus();
  } finally {
    submit.disabled = false;
  }
}

function addForm(domain, reload) {
  const app = field(t('snapshots.app'), h('input', { name: 'AppName', value: 'live', autocomplete: 'off' }), t('snapshots.appHint'));
  const { interval, overwrite, sequence } = configFields();
  const fields = { AppName: app, TimeInterval: interval, OverwriteOssObject: overwrite, SequenceOssObject: sequence };
  const formError = errorLine('snapshot-add-error');
  const submit = h('button', { type: 'submit', class: 'primary' }, t('snapshots.add'));
  const form = h('form', { class: 'form', novalidate: true, 'aria-label': t('snapshots.addTitle'), onsubmit: ev => {
    ev.preventDefault();
    let o = overwrite.control.value.trim();
    let s = sequence.control.value.trim();
    if (!o && !s) { // both empty: the defaults the placeholders show (the hint says so)
      o = DEFAULT_OVERWRITE;
      s = DEFAULT_SEQUENCE;
    }
    const params = { DomainName: domain, AppName: app.control.value.trim(), TimeInterval: interval.control.value };
    if (o) params.OverwriteOssObject = o;
    if (s) params.SequenceOssObject = s;
    return submitWith(form, submit, formError, fields, 'AddLiveAppSnapshotConfig', params, reload);
  } }, ...app.row, ...interval.row, ...overwrite.row, ...sequence.row,
  h('span'), h('div', {}, submit, formError));
  return h('section', { 'data-section': 'add-config' }, h('h2', {}, t('snapshots.addTitle')),
    h('p', { class: 'note' }, t('snapshots.namesHint')), form);
}

function editForm(domain, c, reload, close) {
  const { interval, overwrite, sequence } = configFields(c);
  const fields = { TimeInterval: interval, OverwriteOssObject: overwrite, SequenceOssObject: sequence };
  const formError = errorLine('snapshot-edit-error');
  const submit = h('button', { type: 'submit', class: 'primary' }, t('snapshots.save'));
  const cancel = h('button', { type: 'button', onclick: close }, t('common.cancel'));
  const form = h('form', { class: 'form', novalidate: true, 'aria-label': t('snapshots.editTitle', { app: c.AppName }), onsubmit: ev => {
    ev.preventDefault();
    // the API keeps what is set for an empty value, so an emptied field changes nothing (the hint says so)
    const params = { DomainName: domain, AppName: c.AppName, TimeInterval: interval.control.value,
      OverwriteOssObject: overwrite.control.value.trim(), SequenceOssObject: sequence.control.value.trim() };
    return submitWith(form, submit, formError, fields, 'UpdateLiveAppSnapshotConfig', params, reload);
  } }, ...interval.row, ...overwrite.row, ...sequence.row, h('span'), h('div', {}, h('div', { class: 'row' }, submit, cancel), formError));
  return h('section', { 'data-section': 'edit-config', 'data-app': c.AppName },
    h('h2', {}, t('snapshots.editTitle', { app: c.AppName })), h('p', { class: 'note' }, t('snapshots.editHint')), form);
}

/**
 * The path on the node of a shot in the local store (its Url is a file: URL, which a page served over HTTP may not
 * load: the picture comes through the console's /console/api/picture instead), else null.
 */
function filePath(url) {
  try {
    const u = new URL(url);
    return u.protocol === 'file:' ? decodeURIComponent(u.pathname) : null;
  } catch (e) {
    return null;
  }
}

function shots(domain) {
  const app = field(t('snapshots.app'), h('input', { name: 'AppName', value: 'live', autocomplete: 'off' }));
  const stream = field(t('snapshots.stream'), h('input', { name: 'StreamName', autocomplete: 'off', placeholder: 'cam1' }));
  const fields = { AppName: app, StreamName: stream };
  const formError = errorLine('shots-error');
  const submit = h('button', { type: 'submit', class: 'primary', 'data-action': 'show-shots' }, t('snapshots.showShots'));
  const result = h('div', { 'data-section': 'shots' });
  const form = h('form', { class: 'form', novalidate: true, 'aria-label': t('snapshots.shotsTitle'), onsubmit: ev => {
    ev.preventDefault();
    const now = Date.now();
    const params = { DomainName: domain, AppName: app.control.value.trim(), StreamName: stream.control.value.trim(),
      StartTime: apiTime(new Date(now - SHOTS_WINDOW_MS)), EndTime: apiTime(new Date(now + 1000)),
      Order: 'desc', Limit: SHOTS_LIMIT };
    return submitWith(form, submit, formError, fields, 'DescribeLiveStreamSnapshotInfo', params,
      answer => result.replaceChildren(...shotList(params.AppName + '/' + params.StreamName, answer)));
  } }, ...app.row, ...stream.row, h('span'), h('div', {}, submit, formError));
  return h('section', { 'data-section': 'latest-shots' }, h('h2', {}, t('snapshots.shotsTitle')),
    h('p', { class: 'note' }, t('snapshots.shotsHint', { n: SHOTS_LIMIT })), form, result);
}

/** The picture of a local shot through the console (session cookie, same origin), or why it cannot be shown. */
function picture(s, path) {
  if (path === null || s.OssBucket) return h('span', { class: 'note' }, t('snapshots.notShown'));
  const query = new URLSearchParams({ OssEndpoint: s.OssEndpoint || '', OssBucket: '', OssObject: s.OssObject });
  const img = h('img', { class: 'shot', src: '/console/api/picture?' + query, alt: t('snapshots.pictureOf', { object: s.OssObject }),
    width: 160, loading: 'lazy' });
  // a sequence object deleted from the store since: say so instead of a broken image
  img.addEventListener('error', () => img.replaceWith(h('span', { class: 'note' }, t('snapshots.pictureGone'))), { once: true });
  return img;
}

function shotList(name, r) {
  const list = r.LiveStreamSnapshotInfoList?.StreamSnapshotInfo || [];
  if (!list.length) return [h('p', { class: 'note' }, t('snapshots.noShots', { stream: name }))];
  const out = [];
  if (list.some(s => filePath(s.Url) !== null)) out.push(h('p', { class: 'note', 'data-note': 'local-files' }, t('snapshots.localFiles')));
  out.push(h('table', { 'aria-label': t('snapshots.shotsOf', { stream: name }) },
    h('thead', {}, h('tr', {}, ['picture', 'time', 'size', 'kind', 'object', 'where']
      .map(c => h('th', { scope: 'col' }, t('snapshots.shotCol.' + c))))),
    h('tbody', {}, list.map(s => {
      const path = filePath(s.Url);
      return h('tr', { 'data-shot': s.OssObject },
        h('td', {}, picture(s, path)),
        h('td', {}, localTime(s.CreateTime)),
        h('td', {}, s.Width + '×' + s.Height),
        h('td', {}, s.IsOverlay ? t('snapshots.overwritten') : t('snapshots.sequenced')),
        h('td', { class: 'mono' }, s.OssObject),
        h('td', { class: 'mono' }, path !== null ? t('snapshots.storedAt', { path }) : s.Url));
    }))));
  return out;
}
