// Overview: domains, live streams, ingest bandwidth and viewers, from the same actions the other pages use.
import { t } from '../i18n.js';
import * as api from '../api.js';
import { h, errorLine, showError } from '../ui.js';

function card(name, value, label) {
  return h('div', { class: 'card', 'data-card': name }, h('div', { class: 'value' }, String(value)), h('div', { class: 'label' }, label));
}

export default async function overview(root) {
  root.append(h('h1', {}, t('overview.title')));
  const domains = await api.domains();
  const push = domains.filter(d => d.LiveDomainType === 'liveEdge');
  const play = domains.filter(d => d.LiveDomainType === 'liveVideo');
  let streams = 0;
  let kbps = 0;
  let viewers = 0;
  const line = errorLine();
  try {
    for (const d of push) {
      const online = await api.all('DescribeLiveStreamsOnlineList', { DomainName: d.DomainName }, 'PageNum',
        r => r.OnlineInfo?.LiveStreamOnlineInfo);
      streams += online.length;
      for (const s of online) kbps += (s.VideoDataRate || 0) + (s.AudioDataRate || 0);
    }
    for (const d of play) {
      const r = await api.call('DescribeLiveStreamOnlineUserNum', { DomainName: d.DomainName });
      viewers += r.TotalUserNumber || 0;
    }
  } catch (e) {
    showError(line, e);
  }
  const nodeRates = card('node', '…', t('overview.nodeRates'));
  root.append(h('div', { class: 'cards' },
    card('domains', domains.length, t('overview.domains', { push: push.length, play: play.length })),
    card('streams', streams, t('overview.streams')),
    card('ingest', t('overview.kbps', { n: kbps }), t('overview.ingest')),
    card('viewers', viewers, t('overview.viewers')),
    nodeRates), line);
  const stopRates = watchNodeRates(nodeRates.querySelector('.value'), line);

  // Outgoing bandwidth of the play domains from DescribeLiveDomainBpsData; a node built without statistics says so
  // instead of showing a made-up number.
  const stats = h('section', { 'data-section': 'statistics' }, h('h2', {}, t('overview.statsTitle')));
  root.append(stats);
  if (!play.length) {
    stats.append(h('p', { class: 'note' }, t('overview.noPlayDomains')));
    return stopRates;
  }
  try {
    const now = new Date();
    const r = await api.call('DescribeLiveDomainBpsData', { DomainName: play.map(d => d.DomainName).join(','),
      StartTime: new Date(now - 10 * 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z'), EndTime: now.toISOString().replace(/\.\d{3}Z$/, 'Z') });
    const points = r.BpsDataPerInterval?.DataModule || [];
    const last = points[points.length - 1];
    stats.append(h('p', {}, last ? t('overview.egress', { mbps: (Number(last.BpsValue || 0) / 1e6).toFixed(2), time: last.TimeStamp })
      : t('overview.noData')));
  } catch (e) {
    if (e.code === 'InvalidAction.NotFound') stats.append(h('p', { class: 'note' }, t('overview.statsPending')));
    else { const l = errorLine(); showError(l, e); stats.append(l); }
  }
  return stopRates;
}

/** The media counters of the node's Prometheus endpoint (same origin, the API port). */
async function mediaBytes() {
  const response = await fetch('/metrics', { cache: 'no-store' });
  if (!response.ok) throw new Error('/metrics: HTTP ' + response.status);
  const text = await response.text();
  const value = name => Number((text.match(new RegExp('^' + name + ' (\\S+)$', 'm')) || [])[1] || 0);
  return { at: performance.now(), in: value('livecloud_media_bytes_in_total'), out: value('livecloud_media_bytes_out_total') };
}

/**
 * The node's current media bandwidth, in and out, from two samples of its byte counters a few seconds apart; kept
 * up to date while the overview is open. Returns the function that stops it.
 */
function watchNodeRates(target, line) {
  let previous = null;
  let stopped = false;
  async function sample() {
    if (stopped) return;
    try {
      const now = await mediaBytes();
      if (previous) {
        const seconds = (now.at - previous.at) / 1000;
        const mbps = bytes => (bytes * 8 / seconds / 1e6).toFixed(2);
        target.textContent = t('overview.inOut', { in: mbps(now.in - previous.in), out: mbps(now.out - previous.out) });
      }
      previous = now;
    } catch (e) {
      line.textContent = t('error.api', { code: 'metrics', message: e.message });
    }
    if (!stopped) timer = setTimeout(sample, previous && target.textContent !== '…' ? 5000 : 2000);
  }
  let timer = setTimeout(sample, 0);
  return () => { stopped = true; clearTimeout(timer); };
}
