// The live quality page: polls the stack's JSON API every POLL_MS and redraws what changed. No libraries: the charts
// are hand-drawn SVG. Every drawn element carries data-* attributes (task, metric, path, point counts) so that the
// browser test, and anyone debugging, can read what the page shows without parsing pixels.
"use strict";

const POLL_MS = 2000;
/** The metrics drawn per task, in this order; the others are in /api/quality too. */
const CHART_METRICS = ["hit@1", "ndcg@10"];
const PATHS = ["exact", "served"];
const SVG_NS = "http://www.w3.org/2000/svg";
const lastText = {};
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

// ---- quality: one SVG line chart per (task, metric, kind), exact and served as two series ----

/**
 * An SVG line chart of the given series ({path, points: [{x, y, label}]}), y in [0, 1].
 * xLabel formats an x value for the axis.
 */
function lineChart(task, metric, by, series, xLabel) {
  const W = 380, H = 190, L = 40, R = 12, T = 22, B = 30;
  const all = series.flatMap(s => s.points);
  let xMin = Math.min(...all.map(p => p.x)), xMax = Math.max(...all.map(p => p.x));
  if (xMin === xMax) { xMin -= 1; xMax += 1; }
  const sx = x => L + (x - xMin) / (xMax - xMin) * (W - L - R);
  const sy = y => T + (1 - Math.max(0, Math.min(1, y))) * (H - T - B);
  const parts = [];
  parts.push(`<text class="title" x="${L}" y="14">${esc(metric)} <tspan>per ${esc(by)}</tspan></text>`);
  for (const g of [0, 0.25, 0.5, 0.75, 1]) {
    parts.push(`<line class="grid" x1="${L}" x2="${W - R}" y1="${sy(g)}" y2="${sy(g)}"/>`);
    parts.push(`<text x="${L - 6}" y="${sy(g) + 3}" text-anchor="end">${g.toFixed(2)}</text>`);
  }
  const xs = [...new Set(all.map(p => p.x))].sort((a, b) => a - b);
  const step = Math.max(1, Math.ceil(xs.length / 6));
  xs.forEach((x, i) => {
    if (i % step === 0 || i === xs.length - 1) {
      parts.push(`<text x="${sx(x)}" y="${H - B + 14}" text-anchor="middle">${esc(xLabel(x))}</text>`);
    }
  });
  for (const s of series) {
    const pts = s.points.map(p => `${sx(p.x).toFixed(1)},${sy(p.y).toFixed(1)}`).join(" ");
    parts.push(`<polyline class="${esc(s.path)}" data-path="${esc(s.path)}" data-points="${s.points.length}" points="${pts}"/>`);
    for (const p of s.points) {
      parts.push(`<circle class="${esc(s.path)}" data-path="${esc(s.path)}" cx="${sx(p.x).toFixed(1)}" cy="${sy(p.y).toFixed(1)}" r="3">`
          + `<title>${esc(s.path)} ${esc(p.label)}: ${fmt(p.y)}</title></circle>`);
    }
  }
  return `<svg class="chart" xmlns="${SVG_NS}" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}"`
      + ` data-task="${esc(task)}" data-metric="${esc(metric)}" data-by="${esc(by)}" data-points="${all.length}">`
      + parts.join("") + `</svg>`;
}

function renderQuality(data) {
  const body = document.getElementById("quality-body");
  if (!data.tasks.length) {
    body.innerHTML = `<p class="empty">no quality metrics yet</p>`;
    return;
  }
  const html = [];
  for (const task of data.tasks) {
    const mine = task.series.filter(s => s.modelVersion === task.modelVersion);
    const charts = [];
    let latestEpoch = null;
    for (const by of ["epoch", "window"]) {
      for (const metric of CHART_METRICS) {
        const series = [];
        for (const path of PATHS) {
          const s = mine.find(x => x.metric === metric && x.path === path && x.by === by);
          if (!s) continue;
          const points = s.points.filter(p => p.value != null).map(p => by === "epoch"
              ? {x: p.epoch, y: p.value, label: `epoch ${p.epoch} (n=${p.n})`}
              : {x: p.windowEndMs, y: p.value, label: `window ${clock(p.windowStartMs)}–${clock(p.windowEndMs)} (n=${p.n})`});
          if (by === "epoch" && points.length) latestEpoch = Math.max(latestEpoch == null ? -1 : latestEpoch, points[points.length - 1].x);
          if (points.length) series.push({path, points});
        }
        if (series.length) {
          charts.push(lineChart(task.task, metric, by, series, by === "epoch" ? x => String(x) : x => clock(x).slice(0, 5)));
        }
      }
    }
    const notScored = task.notScored.length
        ? `<div class="notscored">epoch ${esc(task.notScored[0].epoch)}: ${esc(task.notScored[0].deadLettered)} item(s) dead-lettered (${esc(task.notScored[0].reason)})</div>`
        : "";
    html.push(`<div class="task" data-task="${esc(task.task)}"><h3>${esc(task.task)} <small>model ${esc(task.modelVersion)}`
        + (latestEpoch == null ? "" : ` · latest epoch ${latestEpoch}`) + `</small></h3>`
        + `<div class="charts">${charts.join("") || `<p class="empty">no hit@1 / ndcg@10 yet</p>`}</div>${notScored}</div>`);
  }
  html.push(`<div class="legend"><span class="exact">━ exact</span> (brute-force cosine) &nbsp; `
      + `<span class="served">╍ served</span> (Milvus ANN)</div>`);
  body.innerHTML = html.join("");
}

// ---- bias: a query × result modality matrix per topk_share metric, the other bias metrics as a table ----

function renderBias(data) {
  const body = document.getElementById("bias-body");
  if (!data.groups.length) {
    body.innerHTML = `<p class="empty" id="bias-empty">no bias metrics yet</p>`;
    return;
  }
  const html = [];
  const label = m => m == null ? "all" : m.toLowerCase();
  for (const g of data.groups.filter(g => g.metric.startsWith("topk_share"))) {
    const rows = [...new Set(g.cells.map(c => label(c.queryModality)))];
    const cols = [...new Set(g.cells.map(c => label(c.targetModality)))];
    const value = (r, c) => g.cells.find(x => label(x.queryModality) === r && label(x.targetModality) === c);
    html.push(`<h3>${esc(g.metric)} <small>${esc(g.group)} · model ${esc(g.modelVersion)}`
        + (g.windowEndMs ? ` · window ending ${clock(g.windowEndMs)}` : "") + `</small></h3>`);
    html.push(`<table class="matrix" data-metric="${esc(g.metric)}" data-group="${esc(g.group)}"><tr><th class="row">query ↓ / result →</th>`
        + cols.map(c => `<th>${esc(c)}</th>`).join("") + `</tr>`);
    for (const r of rows) {
      html.push(`<tr><th class="row">${esc(r)}</th>` + cols.map(c => {
        const cell = value(r, c);
        if (!cell) return `<td>–</td>`;
        const a = cell.value == null ? 0 : Math.max(0, Math.min(1, cell.value));
        return `<td data-query="${esc(r)}" data-result="${esc(c)}" data-value="${esc(cell.value)}"`
            + ` style="background: rgba(37, 99, 235, ${(0.08 + 0.6 * a).toFixed(2)})" title="n=${esc(cell.n)}">${fmt(cell.value)}</td>`;
      }).join("") + `</tr>`);
    }
    html.push(`</table>`);
  }
  const others = data.groups.filter(g => !g.metric.startsWith("topk_share"));
  if (others.length) {
    html.push(`<h3>other bias metrics</h3><table><tr><th class="row">metric</th><th class="row">group</th>`
        + `<th class="row">query</th><th class="row">target</th><th>value</th><th>n</th></tr>`);
    for (const g of others) {
      for (const c of g.cells) {
        html.push(`<tr><td class="text">${esc(g.metric)}</td><td class="text">${esc(g.group)}</td>`
            + `<td class="text">${esc(label(c.queryModality))}</td><td class="text">${esc(label(c.targetModality))}</td>`
            + `<td>${fmt(c.value)}</td><td>${esc(c.n)}</td></tr>`);
      }
    }
    html.push(`</table>`);
  }
  body.innerHTML = html.join("");
}

// ---- alerts ----

function renderAlerts(data) {
  document.getElementById("alerts-hint").textContent =
      `raised in the last ${Math.round(data.activeForMs / 60000)} min and not cleared`;
  const list = document.getElementById("alerts");
  if (!data.alerts.length) {
    list.innerHTML = `<li class="empty">no active drift alerts</li>`;
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
  html.push(`<p id="encoder-rate" data-total="${esc(rates.total)}">encoder: <b>${fmt(rates.total, 1)}</b> events/s`
      + (outcomes.length ? ` (` + outcomes.map(o => `${esc(o)} ${fmt(rates[o], 1)}/s, ${esc(data.encoderEventsTotal[o])} total`).join("; ") + `)` : "")
      + ` <small>over ${Math.round(data.intervalMs / 1000)} s, sampled ${clock(data.sampledAtMs)}</small></p>`);
  html.push(`<table id="lag"><tr><th class="row">consumer group</th><th class="row">topic</th><th>lag (records)</th></tr>`
      + (data.consumerLag.length
          ? data.consumerLag.map(l => `<tr data-group="${esc(l.group)}" data-topic="${esc(l.topic)}"><td class="text">${esc(l.group)}</td>`
              + `<td class="text">${esc(l.topic)}</td><td>${esc(l.records)}</td></tr>`).join("")
          : `<tr><td colspan="3" class="text empty">no committed offsets yet</td></tr>`) + `</table>`);
  if (data.lagError) html.push(`<p class="error-text">consumer lag not readable: ${esc(data.lagError)}</p>`);
  body.innerHTML = html.join("");
}

// ---- polling ----

const ENDPOINTS = {
  "/api/quality": renderQuality,
  "/api/bias": renderBias,
  "/api/alerts": renderAlerts,
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

poll();
