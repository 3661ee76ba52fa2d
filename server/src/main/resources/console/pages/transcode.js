// Transcoding (转码): the templates bound to a play domain (standard ladder and custom), binding and unbinding them,
// and the renditions running on this node with ffmpeg's progress.
import { t } from '../i18n.js';
import * as api from '../api.js';
import { h, field, errorLine, showError, clearErrors, confirmAction, run, localTime } from '../ui.js';

const STANDARD = ['lld', 'lsd', 'lhd', 'lud'];

/** Which form field an error belongs to, by the API's error code (the message is the API's own). */
function fieldOf(code) {
  const m = /^(?:Invalid|Missing)(\w+?)(?:\.|$)/.exec(code || '');
  return m ? m[1] : null;
}

export default async function transcode(root) {
  root.append(h('h1', {}, t('transcode.title')));
  const plays = (await api.domains()).filter(d => d.LiveDomainType === 'liveVideo');
  if (!plays.length) {
    root.append(h('p', { class: 'note' }, t('transcode.noPlayDomains')));
    return;
  }
  const saved = sessionStorage.getItem('livecloud.transcode.domain');
  const domain = field(t('transcode.domain'), h('select', { name: 'Domain' },
    plays.map(d => h('option', { value: d.DomainName, selected: d.DomainName === saved }, d.DomainName))));
  const body = h('div');
  root.append(h('section', {}, h('div', { class: 'form' }, ...domain.row)), body);

  let latest = 0;
  async function load() {
    const mine = ++latest;
    sessionStorage.setItem('livecloud.transcode.domain', domain.control.value);
    const d = domain.control.value;
    const parts = [await bindings(d, load), standardForm(d, load), customForm(d, load), await jobs(d)];
    // a domain chosen while this one loaded renders itself: a slower, older answer must not replace it
    if (mine === latest) body.replaceChildren(...parts);
  }
  domain.control.addEventListener('change', () => run(null, domain.error, load));
  await load();
}

async function bindings(domain, reload) {
  const section = h('section', { 'data-section': 'bindings', 'data-domain': domain }, h('h2', {}, t('transcode.bound')));
  const line = errorLine('bindings-error');
  section.append(line);
  const r = await api.call('DescribeLiveStreamTranscodeInfo', { DomainTranscodeName: domain });
  const list = r.DomainTranscodeList?.DomainTranscodeInfo || [];
  if (!list.length) {
    section.append(h('p', { class: 'note' }, t('transcode.none')));
    return section;
  }
  const rows = list.map(b => {
    const c = b.CustomTranscodeParameters || {};
    const size = (c.Width || t('transcode.autoWidth')) + ' × ' + c.Height;
    const del = h('button', { type: 'button', class: 'danger', 'data-action': 'unbind' }, t('transcode.unbind'));
    del.addEventListener('click', () => run(del, line, async () => {
      if (!await confirmAction(t('transcode.confirmUnbind', { template: b.TranscodeTemplate, app: b.TranscodeApp }), t('transcode.unbind'))) return;
      await api.call('DeleteLiveStreamTranscode', { Domain: domain, App: b.TranscodeApp, Template: b.TranscodeTemplate });
      await reload();
    }));
    return h('tr', { 'data-template': b.TranscodeTemplate, 'data-app': b.TranscodeApp },
      h('td', {}, b.TranscodeApp === '*' ? t('transcode.anyApp') : b.TranscodeApp),
      h('td', { class: 'mono' }, b.TranscodeTemplate),
      h('td', {}, size),
      h('td', {}, String(c.FPS ?? '')),
      h('td', {}, t('transcode.kbps', { n: c.VideoBitrate }) + ' / ' + t('transcode.kbps', { n: c.AudioBitrate })),
      h('td', {}, c.VideoProfile || ''),
      h('td', {}, b.IsLazy ? t('transcode.lazyYes') : t('transcode.lazyNo')),
      h('td', {}, del));
  });
  section.append(h('table', { 'aria-label': t('transcode.bound') },
    h('thead', {}, h('tr', {}, ['app', 'template', 'size', 'fps', 'bitrate', 'profile', 'start', 'actions']
      .map(c => h('th', { scope: 'col' }, t('transcode.col.' + c))))),
    h('tbody', {}, rows)));
  return section;
}

function standardForm(domain, reload) {
  const app = field(t('transcode.app'), h('input', { name: 'App', value: 'live', autocomplete: 'off' }), t('transcode.appHint'));
  const boxes = STANDARD.map(n => h('input', { type: 'checkbox', name: 'Template', value: n, id: 'std-' + n }));
  const templates = h('fieldset', { class: 'row' }, h('legend', {}, t('transcode.templates')),
    STANDARD.map((n, i) => h('span', {}, boxes[i], h('label', { for: boxes[i].id }, n + ' ' + t('transcode.std.' + n)))));
  const templateError = errorLine('std-template-error');
  const lazy = field(t('transcode.lazy'), h('input', { type: 'checkbox', name: 'Lazy' }), t('transcode.lazyHint'));
  const formError = errorLine('std-error');
  const submit = h('button', { type: 'submit', class: 'primary' }, t('transcode.bind'));
  const fields = { App: app, Template: { error: templateError, control: boxes[0] } };
  const form = h('form', { class: 'form', 'aria-label': t('transcode.standardTitle'), onsubmit: async ev => {
    ev.preventDefault();
    clearErrors(form);
    const chosen = boxes.filter(b => b.checked).map(b => b.value);
    if (!chosen.length) {
      templateError.textContent = t('transcode.pickOne');
      boxes[0].focus();
      return;
    }
    submit.disabled = true;
    try {
      await api.call('AddLiveStreamTranscode', { Domain: domain, App: app.control.value.trim(), Template: chosen.join(','),
        Lazy: lazy.control.checked ? 'yes' : 'no' });
      await reload();
    } catch (e) {
      const f = fields[fieldOf(e.code)];
      showError(f ? f.error : formError, e);
      (f ? f.control : submit).focus();
    } finally {
      submit.disabled = false;
    }
  } }, ...app.row, h('span'), h('div', {}, templates, templateError), ...lazy.row, h('span'), h('div', {}, submit, formError));
  return h('section', { 'data-section': 'add-standard' }, h('h2', {}, t('transcode.standardTitle')),
    h('p', { class: 'note' }, t('transcode.ladder')), form);
}

function customForm(domain, reload) {
  const input = (name, attrs = {}) => h('input', { name, autocomplete: 'off', ...attrs });
  const app = field(t('transcode.app'), input('App', { value: 'live' }));
  const name = field(t('transcode.name'), input('Template', { placeholder: 'mobile-240' }), t('transcode.nameHint'));
  const height = field(t('transcode.height'), input('Height', { type: 'number', min: 1, value: 240 }));
  const width = field(t('transcode.width'), input('Width', { type: 'number', min: 0 }), t('transcode.widthHint'));
  const fps = field(t('transcode.fps'), input('FPS', { type: 'number', min: 1, max: 60, value: 25 }));
  const video = field(t('transcode.videoBitrate'), input('VideoBitrate', { type: 'number', min: 1, value: 300 }));
  const gop = field(t('transcode.gop'), input('Gop', { value: '2s' }), t('transcode.gopHint'));
  const profile = field(t('transcode.profile'), h('select', { name: 'Profile' },
    [['1', 'baseline'], ['2', 'main'], ['3', 'high']].map(([v, l]) => h('option', { value: v, selected: v === '2' }, l))));
  const audio = field(t('transcode.audioBitrate'), input('AudioBitrate', { type: 'number', min: 1, value: 64 }));
  const lazy = field(t('transcode.lazy'), h('input', { type: 'checkbox', name: 'Lazy' }), t('transcode.lazyHint'));
  const fields = { App: app, Template: name, Height: height, Width: width, FPS: fps, VideoBitrate: video, Gop: gop,
    Profile: profile, AudioBitrate: audio, Lazy: lazy };
  const formError = errorLine('custom-error');
  const submit = h('button', { type: 'submit', class: 'primary' }, t('transcode.addCustom'));
  const form = h('form', { class: 'form', 'aria-label': t('transcode.customTitle'), onsubmit: async ev => {
    ev.preventDefault();
    clearErrors(form);
    submit.disabled = true;
    const params = { Domain: domain, App: app.control.value.trim(), Template: name.control.value.trim(), TemplateType: 'h264',
      Height: height.control.value, FPS: fps.control.value, VideoBitrate: video.control.value, Gop: gop.control.value.trim(),
      Profile: profile.control.value, AudioBitrate: audio.control.value, Lazy: lazy.control.checked ? 'yes' : 'no' };
    if (width.control.value !== '') params.Width = width.control.value;
    try {
      await api.call('AddCustomLiveStreamTranscode', params);
      await reload();
    } catch (e) {
      const f = fields[fieldOf(e.code)];
      showError(f ? f.error : formError, e);
      (f ? f.control : submit).focus();
    } finally {
      submit.disabled = false;
    }
  } }, ...app.row, ...name.row, ...height.row, ...width.row, ...fps.row, ...video.row, ...gop.row, ...profile.row,
  ...audio.row, ...lazy.row, h('span'), h('div', {}, submit, formError));
  return h('section', { 'data-section': 'add-custom' }, h('h2', {}, t('transcode.customTitle')), form);
}

async function jobs(domain) {
  const section = h('section', { 'data-section': 'jobs' }, h('h2', {}, t('transcode.jobs')));
  const r = await api.call('DescribeLiveStreamTranscodeJobs', { DomainName: domain });
  const running = r.TranscodeJobs?.TranscodeJob || [];
  const refused = r.RefusedStarts?.RefusedStart || [];
  if (!running.length) section.append(h('p', { class: 'note' }, t('transcode.noJobs')));
  else {
    section.append(h('table', { 'aria-label': t('transcode.jobs') },
      h('thead', {}, h('tr', {}, ['stream', 'template', 'state', 'since', 'speed', 'bitrate', 'restarts', 'error']
        .map(c => h('th', { scope: 'col' }, t('transcode.jobCol.' + c))))),
      h('tbody', {}, running.map(j => h('tr', { 'data-job': j.TranscodedStream },
        h('td', { class: 'mono' }, j.AppName + '/' + j.TranscodedStream),
        h('td', { class: 'mono' }, j.Template),
        h('td', {}, j.State),
        h('td', {}, localTime(j.StartTime)),
        h('td', {}, j.Speed ? j.Speed + '×' : ''),
        h('td', {}, j.BitrateKbps ? t('transcode.kbps', { n: Math.round(j.BitrateKbps) }) : ''),
        h('td', {}, String(j.Restarts)),
        h('td', {}, j.LastError || ''))))));
  }
  if (refused.length) {
    section.append(h('h3', {}, t('transcode.refused')), h('ul', {}, refused.slice(-10).map(f =>
      h('li', {}, localTime(f.Time) + ' ' + f.AppName + '/' + f.StreamName + '_' + f.Template + ': ' + f.Reason))));
  }
  return section;
}
