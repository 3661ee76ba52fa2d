// Streams: online streams of a domain with a live preview (mpegts.js for HTTP-FLV, hls.js for HLS), forbid/resume,
// the block list and the publish history.
import { t } from '../i18n.js';
import * as api from '../api.js';
import { h, field, errorLine, showError, confirmAction, run, localTime, apiTime } from '../ui.js';

const loaded = {};
/** The players are classic scripts (UMD) vendored under vendor/: loaded on first use only. */
function loadScript(src, global) {
  if (window[global]) return Promise.resolve(window[global]);
  loaded[src] ??= new Promise((resolve, reject) => {
    document.head.append(h('script', { src, onload: () => resolve(window[global]), onerror: () => reject(new Error('cannot load ' + src)) }));
  });
  return loaded[src];
}

let player = null;
function stopPreview() {
  if (player) { try { player.destroy(); } catch (e) { /* already gone */ } player = null; }
}

export default async function streams(root) {
  root.append(h('h1', {}, t('streams.title')));
  const all = await api.domains();
  if (!all.length) {
    root.append(h('p', { class: 'note' }, t('streams.noDomains')));
    return stopPreview;
  }
  const saved = sessionStorage.getItem('livecloud.streams.domain');
  const domain = field(t('streams.domain'), h('select', { name: 'DomainName' },
    all.map(d => h('option', { value: d.DomainName, selected: d.DomainName === saved }, d.DomainName + ' (' + t('type.' + d.LiveDomainType) + ')'))));
  const refresh = h('button', { type: 'button', 'data-action': 'refresh' }, t('streams.refresh'));
  const body = h('div');
  const preview = h('section', { 'data-section': 'preview', hidden: true });
  root.append(h('section', {}, h('div', { class: 'form' }, ...domain.row, h('span'), h('div', {}, refresh))), preview, body);

  async function load() {
    sessionStorage.setItem('livecloud.streams.domain', domain.control.value);
    const d = all.find(x => x.DomainName === domain.control.value);
    body.replaceChildren(await online(d, all, preview, load), await blocked(d, all, load), await history(d));
  }
  domain.control.addEventListener('change', () => run(null, domain.error, load));
  refresh.addEventListener('click', () => run(refresh, domain.error, load));
  await load();
  return stopPreview;
}

/** The push domain whose streams a domain shows, and a play domain to preview them through. */
async function sides(d, all) {
  const mapped = (await api.call('DescribeLiveDomainMapping', { DomainName: d.DomainName })).LiveDomainModels?.LiveDomainModel || [];
  if (d.LiveDomainType === 'liveEdge') return { push: d.DomainName, play: mapped[0]?.DomainName || null };
  return { push: mapped[0]?.DomainName || null, play: d.DomainName };
}

async function online(d, all, preview, reload) {
  const section = h('section', { 'data-section': 'online' }, h('h2', {}, t('streams.online')));
  const line = errorLine('online-error');
  section.append(line);
  const list = await api.all('DescribeLiveStreamsOnlineList', { DomainName: d.DomainName }, 'PageNum', r => r.OnlineInfo?.LiveStreamOnlineInfo);
  if (!list.length) {
    section.append(h('p', { class: 'note' }, t('streams.noneOnline')));
    return section;
  }
  const { play } = await sides(d, all);
  const rows = list.map(s => {
    const buttons = [];
    for (const kind of ['flv', 'hls']) {
      const b = h('button', { type: 'button', 'data-preview': kind, disabled: !play }, t('streams.preview.' + kind));
      b.addEventListener('click', () => run(b, line, () => startPreview(preview, play, s, kind)));
      buttons.push(b);
    }
    const forbid = h('button', { type: 'button', class: 'danger', 'data-action': 'forbid' }, t('streams.forbid'));
    forbid.addEventListener('click', () => run(forbid, line, async () => {
      if (!await confirmAction(t('streams.confirmForbid', { stream: s.AppName + '/' + s.StreamName }), t('streams.forbid'))) return;
      await api.call('ForbidLiveStream', { DomainName: s.PushDomain, AppName: s.AppName, StreamName: s.StreamName, LiveStreamType: 'publisher' });
      stopPreview();
      preview.hidden = true;
      await reload();
    }));
    const video = [s.VideoCodec, s.Width && s.Height ? s.Width + '×' + s.Height : '', s.FrameRate ? s.FrameRate + ' fps' : ''].filter(Boolean).join(' ');
    return h('tr', { 'data-stream': s.AppName + '/' + s.StreamName },
      h('td', {}, s.AppName), h('td', {}, s.StreamName), h('td', {}, localTime(s.PublishTime)), h('td', {}, s.ClientIp),
      h('td', {}, video), h('td', {}, s.AudioCodec || ''),
      h('td', {}, t('overview.kbps', { n: (s.VideoDataRate || 0) + (s.AudioDataRate || 0) })),
      h('td', {}, h('div', { class: 'row' }, buttons, forbid)));
  });
  if (!play) section.append(h('p', { class: 'note' }, t('streams.noPlayForPreview')));
  section.append(h('table', { 'aria-label': t('streams.online') }, h('thead', {}, h('tr', {},
      ['app', 'stream', 'since', 'client', 'video', 'audio', 'bitrate', 'actions'].map(c => h('th', { scope: 'col' }, t('streams.col.' + c))))),
    h('tbody', {}, rows)));
  return section;
}

async function startPreview(preview, playDomain, s, kind) {
  stopPreview();
  const urls = await api.call('DescribeLiveStreamUrls', { DomainName: playDomain, AppName: s.AppName, StreamName: s.StreamName });
  const video = h('video', { id: 'preview-video', muted: true, autoplay: true, playsInline: true, controls: true,
    'aria-label': t('streams.previewOf', { stream: s.AppName + '/' + s.StreamName }) });
  const line = errorLine('preview-error');
  const close = h('button', { type: 'button', onclick: () => { stopPreview(); preview.hidden = true; preview.replaceChildren(); } }, t('streams.closePreview'));
  preview.replaceChildren(h('h2', {}, t('streams.previewOf', { stream: s.AppName + '/' + s.StreamName }) + ' — ' + kind.toUpperCase()),
    video, h('div', { class: 'row' }, close), line);
  preview.hidden = false;
  const fail = msg => { line.textContent = t('streams.previewError', { message: msg }); };
  if (kind === 'flv') {
    const mpegts = await loadScript('/console/vendor/mpegts-1.7.3.js', 'mpegts');
    if (!mpegts.isSupported()) { fail(t('streams.noMse')); return; }
    const p = mpegts.createPlayer({ type: 'flv', isLive: true, url: urls.FlvPlayUrl });
    p.on(mpegts.Events.ERROR, (type, detail) => fail(type + ': ' + detail));
    p.attachMediaElement(video);
    p.load();
    player = { destroy: () => { p.pause(); p.unload(); p.detachMediaElement(); p.destroy(); } };
  } else if (video.canPlayType('application/vnd.apple.mpegurl') && !window.MediaSource) {
    video.src = urls.HlsPlayUrl; // Safari on iOS: native HLS
    player = { destroy: () => { video.removeAttribute('src'); video.load(); } };
  } else {
    const Hls = await loadScript('/console/vendor/hls-1.7.4.min.js', 'Hls');
    if (!Hls.isSupported()) { fail(t('streams.noMse')); return; }
    const p = new Hls();
    p.on(Hls.Events.ERROR, (event, data) => { if (data.fatal) fail(data.type + ': ' + data.details); });
    p.loadSource(urls.HlsPlayUrl);
    p.attachMedia(video);
    player = p;
  }
  video.play().catch(e => fail(e.message));
}

async function blocked(d, all, reload) {
  const section = h('section', { 'data-section': 'blocked' }, h('h2', {}, t('streams.blocked')));
  const { push } = await sides(d, all);
  if (!push) {
    section.append(h('p', { class: 'note' }, t('streams.noPush')));
    return section;
  }
  const r = await api.call('DescribeLiveStreamsBlockList', { DomainName: push, PageSize: 100 });
  const urls = r.StreamUrls?.StreamUrl || [];
  const until = r.ResumeTimes?.ResumeTime || [];
  const line = errorLine('blocked-error');
  if (!urls.length) {
    section.append(h('p', { class: 'note' }, t('streams.noneBlocked')));
    return section;
  }
  section.append(line, h('table', { 'aria-label': t('streams.blocked') },
    h('thead', {}, h('tr', {}, ['url', 'until', 'actions'].map(c => h('th', { scope: 'col' }, t('streams.col.' + c))))),
    h('tbody', {}, urls.map((u, i) => {
      // StreamUrl is domain/app/stream
      const [, app, stream] = u.split('/');
      const resume = h('button', { type: 'button', 'data-action': 'resume' }, t('streams.resume'));
      resume.addEventListener('click', () => run(resume, line, async () => {
        await api.call('ResumeLiveStream', { DomainName: push, AppName: app, StreamName: stream, LiveStreamType: 'publisher' });
        await reload();
      }));
      return h('tr', { 'data-blocked': app + '/' + stream }, h('td', { class: 'mono' }, u),
        h('td', {}, until[i] ? localTime(until[i]) : t('streams.untilResumed')), h('td', {}, resume));
    }))));
  return section;
}

async function history(d) {
  const section = h('section', { 'data-section': 'history' }, h('h2', {}, t('streams.history')));
  const now = new Date();
  const list = await api.all('DescribeLiveStreamsPublishList', { DomainName: d.DomainName,
    StartTime: apiTime(new Date(now - 24 * 3600_000)), EndTime: apiTime(now) }, 'PageNumber', r => r.PublishInfo?.LiveStreamPublishInfo);
  if (!list.length) {
    section.append(h('p', { class: 'note' }, t('streams.noHistory')));
    return section;
  }
  section.append(h('table', { 'aria-label': t('streams.history') },
    h('thead', {}, h('tr', {}, ['app', 'stream', 'since', 'stopped', 'client', 'reason'].map(c => h('th', { scope: 'col' }, t('streams.col.' + c))))),
    h('tbody', {}, list.map(p => h('tr', {}, h('td', {}, p.AppName), h('td', {}, p.StreamName), h('td', {}, localTime(p.PublishTime)),
      h('td', {}, p.StopTime ? localTime(p.StopTime) : t('streams.live')), h('td', {}, p.ClientAddr), h('td', {}, p.StopReason || ''))))));
  return section;
}
