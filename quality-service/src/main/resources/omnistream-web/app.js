// The live quality page: polls the quality plane's JSON API every POLL_MS and redraws what changed. No libraries: the
// charts are hand-drawn SVG. Every drawn element carries data-* attributes (task, metric, path, model version, point
// counts) so that the browser test, and anyone debugging, can read what the page shows without parsing pixels.
// Order, for ops at a glance: active alerts, the primary metric per task and model version, one modality matrix,
// pipeline; the long tables are behind a <details> toggle.
"use strict";

const POLL_MS = 2000;
const PATHS = ["exact", "served"];
const SVG_NS = "http://www.w3.org/2000/svg";
const BIAS_KS = ["1", "5", "10"];
const lastText = {};
const latest = {};
let updates = 0;

function esc(value) {
  return String(value == null ? "" : value).replace(/[&<>"']/g,
      c => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#39;"})[c]);
}

function fmt(value, digits) {
  return value == null || !isFinite(value) ? "–" : Number(value).toFixed(digits == null ? 3 : digits);
}

function clock(ms) {
  return new Date(ms).toLocaleTimeString([], {hour12: false});
}

// ---- alerts (first: what needs attention) ----

function renderAlerts(data) {
  document.getElementById("alerts-hint").textContent =
      `raised in the last ${Math.round(data.activeForMs / 60000)} min and not cleared`;
  const list = document.getElementById("alerts");
  document.getElementById("alerts-section").classList.toggle("firing", data.alerts.length > 0);
  if (!data.alerts.length) {
    list.innerHTML = `<li class="empty ok">no active alerts</li>`;
    return;
  }
  const now = Date.now();
  list.innerHTML = data.alerts.map(a => {
    const arrow = a.direction === "up" ? "▲" : a.direction === "down" ? "▼" : "";
    const labels = Object.entries(a.labels).map(([k, v]) => `${esc(k)}=${esc(v)}`).join(", ");
    const ago = Math.max(0, Math.round((now - a.raisedAtMs) / 60000));
    return `<li class="alert" data-alert-id="${esc(a.alertId)}" data-metric="${esc(a.metric)}">`
        + `<b>${esc(a.metric)}</b> ${arrow} ${esc(a.direction)} · model ${esc(a.modelVersion)} · `
        + `${esc(a.detector)} ${fmt(a.statistic)} &gt; ${fmt(a.threshold)} · raised ${clock(a.raisedAtMs)} (${ago} min ago)`
        + (labels ? `<div class="labels">${labels}</div>` : "") + `</li>`;
  }).join("");
}

// ---- quality: per model version, one small chart per task (its primary metric per epoch, exact vs served) ----

/** An SVG line chart of the given series ({path, points: [{x, y, label}]}), y in [0, 1], x = epoch. */
function lineChart(task, metric, modelVersion, series) {
  const W = 300, H = 150, L = 34, R = 10, T = 22, B = 24;
  const all = series.flatMap(s => s.points);
  let xMin = Math.min(...all.map(p => p.x)), xMax = Math.max(...all.map(p => p.x));
  if (xMin === xMax) { xMin -= 1; xMax += 1; }
  const sx = x => L + (x - xMin) / (xMax - xMin) * (W - L - R);
  const sy = y => T + (1 - Math.max(0, Math.min(1, y))) * (H - T - B);
  const last = s => s.points[s.points.length - 1];
  const headline = series.map(s => `<tspan class="${esc(s.path)}">${esc(s.path)} ${fmt(last(s).y)}</tspan>`).join(" ");
  const parts = [];
  parts.push(`<text class="title" x="${L}" y="13">${esc(task)}</text>`);
  parts.push(`<text class="now" x="${W - R}" y="13" text-anchor="end">${headline}</text>`);
  for (const g of [0, 0.5, 1]) {
    parts.push(`<line class="grid" x1="${L}" x2="${W - R}" y1="${sy(g)}" y2="${sy(g)}"/>`);
    parts.push(`<text x="${L - 5}" y="${sy(g) + 3}" text-anchor="end">${g.toFixed(1)}</text>`);
  }
  const xs = [...new Set(all.map(p => p.x))].sort((a, b) => a - b);
  const step = Math.max(1, Math.ceil(xs.length / 6));
  xs.forEach((x, i) => {
    if (i % step === 0 || i === xs.length - 1) {
      parts.push(`<text x="${sx(x)}" y="${H - B + 13}" text-anchor="middle">${esc(x)}</text>`);
    }
  });
  parts.push(`<text x="${W - R}" y="${H - 1}" text-anchor="end">${esc(metric)} per epoch</text>`);
  for (const s of series) {
    const pts = s.points.map(p => `${sx(p.x).toFixed(1)},${sy(p.y).toFixed(1)}`).join(" ");
    parts.push(`<polyline class="${esc(s.path)}" data-path="${esc(s.path)}" data-points="${s.points.length}" points="${pts}"/>`);
    for (const p of s.points) {
      parts.push(`<circle class="${esc(s.path)}" data-path="${esc(s.path)}" cx="${sx(p.x).toFixed(1)}" cy="${sy(p.y).toFixed(1)}" r="3">`
          + `<title>${esc(s.path)} ${esc(p.label)}: ${fmt(p.y)}</title></circle>`);
    }
  }
  return `<svg class="chart" xmlns="${SVG_NS}" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}"`
      + ` data-task="${esc(task)}" data-metric="${esc(metric)}" data-model-version="${esc(modelVersion)}" data-by="epoch"`
      + ` data-points="${all.length}">` + parts.join("") + `</svg>`;
}

/** Epoch series of one task, metric and model version, per path, with points. */
function epochSeries(task, metric, modelVersion) {
  const series = [];
  for (const path of PATHS) {
    const s = task.series.find(x => x.by === "epoch" && x.metric === metric && x.path === path && x.modelVersion === modelVersion);
    const points = s ? s.points.filter(p => p.value != null)
        .map(p => ({x: p.epoch, y: p.value, label: `epoch ${p.epoch} (n=${p.n})`})) : [];
    if (points.length) series.push({path, points});
  }
  return series;
}

function renderQuality(data) {
  latest.quality = data;
  const body = document.getElementById("quality-body");
  if (!data.tasks.length) {
    body.innerHTML = `<p class="empty">no quality metrics yet</p>`;
    renderQualityDetails(data);
    return;
  }
  // model versions, the one with the newest emission first
  const newest = {};
  for (const t of data.tasks) {
    for (const s of t.series) {
      const emitted = Math.max(0, ...s.points.map(p => p.emittedAtMs || p.windowEndMs || 0));
      newest[s.modelVersion] = Math.max(newest[s.modelVersion] || 0, emitted);
    }
  }
  const versions = Object.keys(newest).sort((a, b) => newest[b] - newest[a] || a.localeCompare(b));
  const html = [];
  for (const version of versions) {
    const charts = [];
    const notes = [];
    for (const task of data.tasks) {
      const series = epochSeries(task, task.primaryMetric, version);
      if (series.length) charts.push(lineChart(task.task, task.primaryMetric, version, series));
      if (task.modelVersion === version && task.notScored.length) {
        const n = task.notScored[0];
        notes.push(`<div class="notscored" data-task="${esc(task.task)}">${esc(task.task)} epoch ${esc(n.epoch)}: `
            + `${esc(n.deadLettered)} item(s) dead-lettered, not scored (${esc(n.reason)})</div>`);
      }
    }
    if (!charts.length && !notes.length) continue;
    html.push(`<div class="model" data-model-version="${esc(version)}"><h3>model ${esc(version)}`
        + ` <small>${charts.length} task(s)</small></h3><div class="charts">${charts.join("")}</div>${notes.join("")}</div>`);
  }
  body.innerHTML = html.join("") || `<p class="empty">no epoch metrics yet (window metrics are under “All metrics”)</p>`;
  renderQualityDetails(data);
}

// ---- bias: one matrix, topk_share@k by query × result modality, k and group selectable ----

const biasState = {k: "1", group: null};

function renderBias(data) {
  latest.bias = data;
  const shares = data.groups.filter(g => g.metric.startsWith("topk_share@"));
  const kSelect = document.getElementById("bias-k");
  const ks = BIAS_KS.filter(k => shares.some(g => g.metric === `topk_share@${k}`));
  const extra = [...new Set(shares.map(g => g.metric.slice("topk_share@".length)))].filter(k => !BIAS_KS.includes(k));
  const allKs = ks.concat(extra);
  if (allKs.length && !allKs.includes(biasState.k)) biasState.k = allKs[0];
  kSelect.innerHTML = allKs.map(k => `<option value="${esc(k)}"${k === biasState.k ? " selected" : ""}>${esc(k)}</option>`).join("");
  const groups = [...new Set(shares.filter(g => g.metric === `topk_share@${biasState.k}`).map(g => g.group))].sort(
      (a, b) => (a === "all" ? -1 : b === "all" ? 1 : a.localeCompare(b)));
  if (groups.length && !groups.includes(biasState.group)) biasState.group = groups[0];
  const gSelect = document.getElementById("bias-group");
  gSelect.innerHTML = groups.map(g => `<option value="${esc(g)}"${g === biasState.group ? " selected" : ""}>${esc(g)}</option>`).join("");

  const body = document.getElementById("bias-body");
  const g = shares.find(x => x.metric === `topk_share@${biasState.k}` && x.group === biasState.group);
  if (!g) {
    body.innerHTML = `<p class="empty" id="bias-empty">no bias metrics yet</p>`;
  } else {
    const label = m => m == null ? "all" : m.toLowerCase();
    const rows = [...new Set(g.cells.map(c => label(c.queryModality)))];
    const cols = [...new Set(g.cells.map(c => label(c.targetModality)))];
    const value = (r, c) => g.cells.find(x => label(x.queryModality) === r && label(x.targetModality) === c);
    const html = [`<table class="matrix" data-metric="${esc(g.metric)}" data-group="${esc(g.group)}">`
        + `<tr><th class="row">query ↓ / result →</th>` + cols.map(c => `<th>${esc(c)}</th>`).join("") + `</tr>`];
    for (const r of rows) {
      html.push(`<tr><th class="row">${esc(r)}</th>` + cols.map(c => {
        const cell = value(r, c);
        if (!cell) return `<td class="none">–</td>`;
        const a = cell.value == null ? 0 : Math.max(0, Math.min(1, cell.value));
        return `<td data-query="${esc(r)}" data-result="${esc(c)}" data-value="${esc(cell.value)}"`
            + ` style="background: rgba(37, 99, 235, ${(0.06 + 0.6 * a).toFixed(2)})" title="n=${esc(cell.n)}">${fmt(cell.value)}</td>`;
      }).join("") + `</tr>`);
    }
    html.push(`</table><p class="hint">model ${esc(g.modelVersion)}`
        + (g.windowEndMs ? ` · window ending ${clock(g.windowEndMs)}` : "") + `</p>`);
    body.innerHTML = html.join("");
  }
  renderBiasDetails(data);
}

function onBiasChange() {
  biasState.k = document.getElementById("bias-k").value || biasState.k;
  biasState.group = document.getElementById("bias-group").value || biasState.group;
  if (latest.bias) renderBias(latest.bias);
}

// ---- pipeline ----

function renderPipeline(data) {
  const body = document.getElementById("pipeline-body");
  if (!data.sampledAtMs) {
    body.innerHTML = `<p class="empty">no sample yet</p>`;
    return;
  }
  const rates = data.encoderEventsPerSecond;
  const outcomes = Object.keys(data.encoderEventsTotal);
  const html = [];
  html.push(outcomes.length
      ? `<p id="encoder-rate" data-total="${esc(rates.total)}">encoder <b class="big">${fmt(rates.total, 1)}</b> events/s`
        + ` <small>(` + outcomes.map(o => `${esc(o)} ${fmt(rates[o], 1)}/s`).join(", ") + `)</small></p>`
      : `<p id="encoder-rate" class="hint">encoder events/s: not in this process (see omnistream_encoder_events_total in Prometheus)</p>`);
  const lag = data.consumerLag.slice().sort((a, b) => b.records - a.records);
  html.push(`<table id="lag"><tr><th class="row">consumer group</th><th class="row">topic</th><th>lag (records)</th></tr>`
      + (lag.length
          ? lag.map(l => `<tr data-group="${esc(l.group)}" data-topic="${esc(l.topic)}"${l.records > 0 ? ` class="behind"` : ""}>`
              + `<td class="text">${esc(l.group)}</td><td class="text">${esc(l.topic)}</td><td>${esc(l.records)}</td></tr>`).join("")
          : `<tr><td colspan="3" class="text empty">no committed offsets yet</td></tr>`) + `</table>`);
  html.push(`<p class="hint">sampled every ${Math.round(data.intervalMs / 1000)} s, last ${clock(data.sampledAtMs)}</p>`);
  if (data.lagError) html.push(`<p class="error-text">consumer lag not readable: ${esc(data.lagError)}</p>`);
  body.innerHTML = html.join("");
}

// ---- details: the long tables ----

function renderQualityDetails(data) {
  const html = [];
  for (const task of data.tasks) {
    const mine = task.series.filter(s => s.modelVersion === task.modelVersion && s.by === "epoch");
    const metrics = [...new Set(mine.map(s => s.metric))];
    if (!metrics.length) continue;
    const lastPoint = (metric, path) => {
      const s = mine.find(x => x.metric === metric && x.path === path);
      return s && s.points.length ? s.points[s.points.length - 1] : null;
    };
    const epoch = Math.max(...mine.flatMap(s => s.points.map(p => p.epoch)));
    html.push(`<h3>${esc(task.task)} <small>model ${esc(task.modelVersion)} · newest epoch ${esc(epoch)}</small></h3>`
        + `<table class="metrics" data-task="${esc(task.task)}"><tr><th class="row">metric</th>`
        + PATHS.map(p => `<th>${esc(p)}</th>`).join("") + `</tr>`
        + metrics.map(m => `<tr data-metric="${esc(m)}"><td class="text">${esc(m)}${m === task.primaryMetric ? " ★" : ""}</td>`
            + PATHS.map(p => {
              const point = lastPoint(m, p);
              return point ? `<td data-path="${esc(p)}" title="epoch ${esc(point.epoch)}, n=${esc(point.n)}">${fmt(point.value)}</td>` : `<td>–</td>`;
            }).join("") + `</tr>`).join("") + `</table>`);
  }
  document.getElementById("details-quality").innerHTML = html.join("");
}

function renderBiasDetails(data) {
  const label = m => m == null ? "all" : m.toLowerCase();
  const rows = [];
  for (const g of data.groups) {
    for (const c of g.cells) {
      rows.push(`<tr><td class="text">${esc(g.metric)}</td><td class="text">${esc(g.group)}</td>`
          + `<td class="text">${esc(label(c.queryModality))}</td><td class="text">${esc(label(c.targetModality))}</td>`
          + `<td>${fmt(c.value)}</td><td>${esc(c.n)}</td></tr>`);
    }
  }
  document.getElementById("details-bias").innerHTML = rows.length
      ? `<h3>bias metrics</h3><table id="bias-table"><tr><th class="row">metric</th><th class="row">group</th>`
        + `<th class="row">query</th><th class="row">target</th><th>value</th><th>n</th></tr>${rows.join("")}</table>`
      : "";
}

// ---- polling ----

const ENDPOINTS = {
  "/api/alerts": renderAlerts,
  "/api/quality": renderQuality,
  "/api/bias": renderBias,
  "/api/pipeline": renderPipeline,
};

async function poll() {
  const status = document.getElementById("status");
  const failed = [];
  await Promise.all(Object.entries(ENDPOINTS).map(async ([url, render]) => {
    try {
      const response = await fetch(url, {cache: "no-store"});
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const text = await response.text();
      if (text !== lastText[url]) {  // redraw only what changed: no flicker, no lost hover titles
        render(JSON.parse(text));
        lastText[url] = text;
      }
    } catch (e) {
      failed.push(`${url}: ${e.message}`);
    }
  }));
  updates++;
  document.body.dataset.updates = String(updates);
  status.className = failed.length ? "status error" : "status";
  status.textContent = failed.length ? `update failed (${failed.join("; ")})` : `updated ${clock(Date.now())}`;
  setTimeout(poll, POLL_MS);
}

document.getElementById("bias-k").addEventListener("change", onBiasChange);
document.getElementById("bias-group").addEventListener("change", onBiasChange);
poll();
