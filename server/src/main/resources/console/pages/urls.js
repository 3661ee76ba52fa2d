// The address generator (地址生成器): DescribeLiveStreamUrls turns play domain + AppName + StreamName (+ template)
// into the signed push URL and the RTMP / HTTP-FLV / HLS play URLs.
import { t } from '../i18n.js';
import * as api from '../api.js';
import { h, field, errorLine, showError, clearErrors, copyable, localTime } from '../ui.js';

/**
 * The templates bound to the play domain (DescribeLiveStreamTranscodeInfo); a node built without transcoding answers
 * InvalidAction.NotFound and the select offers only "original".
 */
async function templates(playDomain) {
  try {
    const r = await api.call('DescribeLiveStreamTranscodeInfo', { DomainTranscodeName: playDomain });
    const list = r.DomainTranscodeList?.DomainTranscodeInfo || [];
    return { names: list.map(x => x.TranscodeTemplate || x.TranscodeName).filter(Boolean), error: null };
  } catch (e) {
    return { names: [], error: e.code === 'InvalidAction.NotFound' ? null : e };
  }
}

export default async function urls(root) {
  root.append(h('h1', {}, t('urls.title')));
  const plays = (await api.domains()).filter(d => d.LiveDomainType === 'liveVideo');
  if (!plays.length) {
    root.append(h('p', { class: 'note' }, t('urls.noPlayDomains')));
    return;
  }
  const play = field(t('urls.playDomain'), h('select', { name: 'DomainName' }, plays.map(d => h('option', { value: d.DomainName }, d.DomainName))));
  const push = field(t('urls.pushDomain'), h('input', { name: 'PushDomain', readonly: true }));
  const app = field(t('urls.app'), h('input', { name: 'AppName', value: 'live', autocomplete: 'off' }));
  const stream = field(t('urls.stream'), h('input', { name: 'StreamName', value: 'demo', autocomplete: 'off' }));
  const template = field(t('urls.template'), h('select', { name: 'TranscodeTemplate' }));
  const fields = { DomainName: play, AppName: app, StreamName: stream, Template: template, TranscodeTemplate: template };
  const formError = errorLine('urls-error');
  const out = h('div', { 'data-section': 'generated' });

  async function onPlayChange() {
    push.control.value = '';
    clearErrors(form);
    try {
      const m = (await api.call('DescribeLiveDomainMapping', { DomainName: play.control.value })).LiveDomainModels?.LiveDomainModel || [];
      push.control.value = m.length ? m[0].DomainName : t('urls.noPush');
    } catch (e) {
      showError(play.error, e);
    }
    const tpl = await templates(play.control.value);
    template.control.replaceChildren(h('option', { value: '' }, t('urls.original')),
      ...tpl.names.map(n => h('option', { value: n }, n)));
    template.error.textContent = '';
    const hint = template.row[1].querySelector('.note') || template.row[1].appendChild(h('span', { class: 'note' }));
    hint.textContent = tpl.names.length ? '' : t('urls.noTemplates');
    if (tpl.error) showError(template.error, tpl.error);
  }
  play.control.addEventListener('change', onPlayChange);

  const submit = h('button', { type: 'submit', class: 'primary' }, t('urls.generate'));
  const form = h('form', { class: 'form', onsubmit: async ev => {
    ev.preventDefault();
    clearErrors(form);
    submit.disabled = true;
    try {
      const r = await api.call('DescribeLiveStreamUrls', { DomainName: play.control.value, AppName: app.control.value,
        StreamName: stream.control.value, TranscodeTemplate: template.control.value });
      out.replaceChildren(result(r));
    } catch (e) {
      const name = Object.keys(fields).find(k => e.code.includes(k) || e.message.startsWith(k));
      showError(name ? fields[name].error : formError, e);
      out.replaceChildren();
    } finally {
      submit.disabled = false;
    }
  } }, ...play.row, ...push.row, ...app.row, ...stream.row, ...template.row, h('span'), h('div', {}, submit, formError));
  root.append(h('section', {}, form), out);
  await onPlayChange();
}

function result(r) {
  const rows = [];
  if (r.PushUrl) rows.push(...copyable(t('urls.push'), r.PushUrl, 'push'));
  rows.push(...copyable(t('urls.rtmp'), r.RtmpPlayUrl, 'rtmp'), ...copyable(t('urls.flv'), r.FlvPlayUrl, 'flv'),
    ...copyable(t('urls.hls'), r.HlsPlayUrl, 'hls'), ...copyable(t('urls.llhls'), r.LowLatencyHlsPlayUrl, 'llhls'));
  const expiry = [];
  if (r.PushUrlExpireTime) expiry.push(t('urls.pushExpires', { time: localTime(r.PushUrlExpireTime * 1000) }));
  if (r.PlayUrlExpireTime) expiry.push(t('urls.playExpires', { time: localTime(r.PlayUrlExpireTime * 1000) }));
  return h('div', {},
    h('section', {}, h('h2', {}, t('urls.result')), h('div', { class: 'form' }, rows),
      expiry.map(e => h('p', { class: 'note' }, e)),
      r.PushUrl ? null : h('p', { class: 'note' }, t('urls.pullOnly'))),
    r.PushUrl ? h('section', { 'data-section': 'obs' }, h('h2', {}, t('obs.title')), h('ol', {},
      h('li', {}, t('obs.step1')), h('li', {}, t('obs.step2'), ' ', h('code', {}, r.PushUrl)),
      h('li', {}, t('obs.step3')), h('li', {}, t('obs.step4'))), h('p', { class: 'note' }, t('obs.ffmpeg')),
      h('pre', { class: 'mono' }, 'ffmpeg -re -i input.mp4 -c copy -f flv "' + r.PushUrl + '"')) : null);
}
