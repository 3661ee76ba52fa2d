// Overview: domains, live streams, ingest bandwidth and viewers, from the same actions the other pages use.
import { t } from '../i18n.js';
import * as api from '../api.js';
import { h, errorLine, showError, apiTime, localTime } from '../ui.js';

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
      StartTime: apiTime(new Date(now - 60 * 60_000)), EndTime: apiTime(now), Interval: '300' });
    const points = r.BpsDataPerInterval?.DataModule || [];
    const last = points[points.length - 1];
    stats.append(h('p', { 'data-latest': '' }, last ? t('overview.egress', { mbps: mbps(last.BpsValue), time: last.TimeStamp })
      : t('overview.noData')));
    if (points.length > 1) stats.append(chart(points));
  } catch (e) {
    if (e.code === 'InvalidAction.NotFound') stats.append(h('p', { class: 'note' }, t('overview.statsPending')));
    else { const l = errorLine(); showError(l, e); stats.append(l); }
  }
  return stopRates;
}

function mbps(bps) { return (Number(bps || 0) / 1e6).toFixed(2); }

const SVG = 'http://www.w3.org/2000/svg';
function svg(tag, attrs, text) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  if (text !== undefined) el.textContent = text;
  return el;
}

/** A line chart of bandwidth points ({TimeStamp, BpsValue}); drawn as SVG so no charting library is needed. */
function chart(points) {
  const w = 640, hgt = 160, pad = 28;
  const values = points.map(p => Number(p.BpsValue || 0));
  const peak = Math.max(...values);
  const top = peak > 0 ? peak * 1.1 : 1;
  const x = i => pad + (i * (w - 2 * pad)) / (points.length - 1);
  const y = v => hgt - pad - (v / top) * (hgt - 2 * pad);
  const root = svg('svg', { viewBox: `0 0 ${w} ${hgt}`, role: 'img', class: 'chart', 'data-chart': 'bps',
    'aria-label': t('overview.chartTitle') + ', ' + t('overview.chartPeak', { mbps: mbps(peak) }) });
  root.append(svg('line', { x1: pad, y1: hgt - pad, x2: w - pad, y2: hgt - pad, class: 'axis' }),
    svg('polyline', { points: values.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' '), class: 'series' }),
    svg('text', { x: pad, y: 14, class: 'label' }, t('overview.chartPeak', { mbps: mbps(peak) })),
    svg('text', { x: pad, y: hgt - 8, class: 'label' }, localTime(points[0].TimeStamp)),
    svg('text', { x: w - pad, y: hgt - 8, class: 'label', 'text-anchor': 'end' }, localTime(points[points.length - 1].TimeStamp)));
  return h('figure', {}, root, h('figcaption', { class: 'note' }, t('overview.chartTitle')));
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
