// saddlescope serve: the index of runs and the live curves of one run or several overlaid. No build step: plain
// JavaScript on uPlot (window.uPlot). The server decimates long curves (min–max in log-x buckets) and sends the rows a
// live run appends since the last poll, so the page never downloads a whole metrics.csv.
'use strict';
(function () {
  const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];
  const POLL_MS = 1000, INDEX_MS = 5000;
  const S = window.saddlescope = {errors: [], loaded: 0, view: null};
  window.addEventListener('error', e => S.errors.push(String(e.message)));

  // ---------------------------------------------------------------- small helpers
  function el(tag, attrs, ...kids) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v == null || v === false) continue;
      if (k === 'class') e.className = v; else if (k.startsWith('on')) e.addEventListener(k.slice(2), v); else e.setAttribute(k, v);
    }
    for (const k of kids.flat()) if (k != null) e.append(k instanceof Node ? k : String(k));
    return e;
  }
  async function getJSON(url) {
    const r = await fetch(url, {cache: 'no-store'});
    if (!r.ok) throw new Error(url + ': HTTP ' + r.status);
    return r.json();
  }
  const enc = s => s.split('/').map(encodeURIComponent).join('/');
  function fmt(v) {
    if (v == null || !isFinite(v)) return '–';
    const a = Math.abs(v);
    if (a === 0) return '0';
    if (a >= 1e-3 && a < 1e6) return String(Number(v.toPrecision(4)));
    return v.toExponential(3).replace(/\.?0+e/, 'e');
  }
  function duration(s) {
    if (s == null || !isFinite(s)) return '–';
    if (s < 120) return s.toFixed(1) + ' s';
    if (s < 7200) return (s / 60).toFixed(1) + ' min';
    return (s / 3600).toFixed(1) + ' h';
  }
  const sub = n => String(n).replace(/\d/g, d => '₀₁₂₃₄₅₆₇₈₉'[d]);
  const sup = n => String(n).replace(/\d/g, d => '⁰¹²³⁴⁵⁶⁷⁸⁹'[d]).replace('.', '·');
  /** The learning-rate law c/‖θ‖ᵖ as config.yaml gives it (c alone when p = 0). */
  const lrLaw = c => c.lr + (c.lr_power ? '/‖θ‖' + (Number.isInteger(c.lr_power) ? sup(c.lr_power) : '^' + c.lr_power) : '');

  // ---------------------------------------------------------------- routing
  let timers = [];
  function stopTimers() { timers.forEach(clearInterval); timers = []; }
  function route() {
    stopTimers();
    Object.values(S.charts || {}).forEach(u => u.destroy());
    S.charts = {};
    const h = decodeURIComponent(location.hash || '#/');
    const m = h.match(/^#\/runs\/(.+)$/);
    (m ? runView(m[1].split(',').filter(Boolean)) : indexView()).catch(fail);
  }
  function fail(e) {
    S.errors.push(String(e));
    document.getElementById('view').prepend(el('p', {class: 'status failed'}, 'error: ' + e.message));
  }
  window.addEventListener('hashchange', route);

  // ---------------------------------------------------------------- the index
  const INDEX = {sort: 'started', desc: true, filter: '', status: '', ticked: new Set(JSON.parse(sessionStorage.getItem('ticked') || '[]'))};
  const COLUMNS = [
    ['id', 'run'], ['status', 'status'], ['command', 'command'], ['dataset', 'dataset'], ['hidden', 'hidden'], ['summary', 'config'], ['dtype', 'dtype'],
    ['step', 'steps', true], ['loss', 'last loss', true], ['escapes', 'escapes', true], ['seconds', 'wall time', true], ['started', 'started (UTC)']];
  const field = (r, k) => k === 'summary' ? configSummary(r.config || {}) : k in r ? r[k] : (r.config || {})[k];
  /** The config in a few words: activation, cost, optimiser, batch, learning rate law, init scale, seed. */
  function configSummary(c) {
    const lr = c.lr == null ? null : 'lr ' + lrLaw(c);
    return [c.activation, c.cost, c.optimizer && c.optimizer !== 'sgd' ? c.optimizer : null, c.batch ? 'batch ' + c.batch : c.batch === 0 ? 'full batch' : null,
      lr, c.init_scale != null ? 'init ' + c.init_scale : null, c.seed != null ? 'seed ' + c.seed : null].filter(Boolean).join(', ');
  }

  async function indexView() {
    S.view = 'index';
    const view = document.getElementById('view');
    const filter = el('input', {type: 'search', placeholder: 'filter: words, or field:value (status:live dtype:mixed)', value: INDEX.filter});
    filter.addEventListener('input', () => { INDEX.filter = filter.value; drawRows(); });
    const status = el('select', {}, ['', 'live', 'finished', 'interrupted', 'failed'].map(s => el('option', {value: s}, s || 'any status')));
    status.value = INDEX.status;
    status.addEventListener('change', () => { INDEX.status = status.value; drawRows(); });
    const overlay = el('button', {id: 'overlay', onclick: () => { location.hash = '#/runs/' + [...INDEX.ticked].map(enc).join(','); }}, 'Overlay ticked runs');
    const head = el('tr', {}, el('th', {}, ''), COLUMNS.map(([k, label]) => el('th', {'data-key': k, onclick: () => sortBy(k)}, label)));
    const table = el('table', {class: 'runs'}, el('thead', {}, head), el('tbody', {id: 'rows'}));
    view.replaceChildren(el('div', {class: 'controls'}, filter, status, overlay, el('span', {id: 'count', class: 'muted'})), table);
    await loadIndex();
    timers.push(setInterval(() => loadIndex().catch(fail), INDEX_MS));
  }
  async function loadIndex() {
    const d = await getJSON('/api/runs');
    S.runs = d.runs;
    document.getElementById('root').textContent = d.root;
    document.getElementById('uplot-version').textContent = d.uplot;
    document.getElementById('updated').textContent = 'updated ' + new Date().toLocaleTimeString();
    drawRows();
    S.loaded = performance.now();
  }
  function sortBy(k) {
    INDEX.desc = INDEX.sort === k ? !INDEX.desc : false;
    INDEX.sort = k;
    drawRows();
  }
  function matches(r) {
    if (INDEX.status && r.status !== INDEX.status) return false;
    const text = JSON.stringify(r).toLowerCase();
    return INDEX.filter.toLowerCase().split(/\s+/).filter(Boolean).every(t => {
      const i = t.indexOf(':');
      if (i > 0) return String(field(r, t.slice(0, i)) ?? '').toLowerCase().includes(t.slice(i + 1));
      return text.includes(t);
    });
  }
  function drawRows() {
    const tbody = document.getElementById('rows');
    if (!tbody) return;
    const rows = S.runs.filter(matches);
    const k = INDEX.sort, dir = INDEX.desc ? -1 : 1;
    rows.sort((a, b) => {
      const x = field(a, k), y = field(b, k);
      if (x == null) return 1;
      if (y == null) return -1;
      return (typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y))) * dir;
    });
    document.querySelectorAll('table.runs th').forEach(th => {
      th.classList.toggle('sorted', th.dataset.key === k);
      th.classList.toggle('desc', th.dataset.key === k && INDEX.desc);
    });
    tbody.replaceChildren(...rows.map(r => {
      const box = el('input', {type: 'checkbox', 'data-id': r.id, checked: INDEX.ticked.has(r.id)});
      box.addEventListener('change', () => {
        box.checked ? INDEX.ticked.add(r.id) : INDEX.ticked.delete(r.id);
        sessionStorage.setItem('ticked', JSON.stringify([...INDEX.ticked]));
        tickCount();
      });
      const c = r.config || {};
      const budget = c.steps ? ' / ' + c.steps : '';
      return el('tr', {'data-id': r.id},
        el('td', {}, box),
        el('td', {}, el('a', {href: '#/runs/' + enc(r.id)}, r.id), r.report ? [' ', el('a', {href: '/files/' + enc(r.id) + '/report.html', class: 'muted'}, 'report')] : null),
        el('td', {}, el('span', {class: 'status ' + r.status, title: r.message || ''}, r.status)),
        el('td', {}, r.command || '–'), el('td', {class: 'wrap'}, c.dataset || r.dataset || '–'), el('td', {}, c.hidden || '–'),
        el('td', {class: 'wrap', title: JSON.stringify(c)}, configSummary(c) || '–'), el('td', {}, c.dtype || '–'),
        el('td', {class: 'num'}, r.step == null ? '–' : r.step + budget), el('td', {class: 'num'}, fmt(r.loss)),
        el('td', {class: 'num'}, r.metrics ? r.escapes : '–'), el('td', {class: 'num'}, duration(r.seconds)),
        el('td', {title: r.started || ''}, r.started ? r.started.slice(0, 16).replace('T', ' ') : '–'));
    }));
    document.getElementById('count').textContent = rows.length + ' of ' + S.runs.length + ' runs';
    tickCount();
  }
  function tickCount() {
    const b = document.getElementById('overlay');
    if (!b) return;
    b.disabled = INDEX.ticked.size === 0;
    b.textContent = INDEX.ticked.size > 1 ? 'Overlay ' + INDEX.ticked.size + ' ticked runs' : INDEX.ticked.size === 1 ? 'Open the ticked run' : 'Tick runs to overlay them';
  }

  // ---------------------------------------------------------------- one run, or several overlaid
  function Run(id, meta) {
    this.id = id; this.meta = meta; this.x = []; this.cols = {}; this.next = 0; this.spectra = {next: 0, rows: []};
  }
  const plotted = meta => meta.columns.filter(c => /^(loss|train_loss|test_loss|norm|w_norm_\d+|speed_unit|lost_updates_\d+)$/.test(c));
  /** The columns fetched: those plotted, and the step when the x axis is another column (spectra and saddles are by step). */
  const wanted = meta => S.xcol === 'step' ? plotted(meta) : ['step', ...plotted(meta)];
  const layers = (meta, prefix) => meta.columns.filter(c => c.startsWith(prefix)).map(c => +c.slice(prefix.length)).sort((a, b) => a - b);

  async function runView(ids) {
    S.view = 'run';
    const view = document.getElementById('view');
    const metas = await Promise.all(ids.map(id => getJSON('/api/run?run=' + encodeURIComponent(id))));
    const runs = ids.map((id, i) => new Run(id, metas[i]));
    S.shown = runs;
    let axes = runs.map(r => r.meta.x_axes).reduce((a, b) => a.filter(x => b.includes(x)));
    if (!axes.length) axes = ['step'];
    S.xcol = axes.includes(S.xcol) ? S.xcol : axes[0];
    const xsel = el('select', {id: 'xaxis'}, axes.map(a => el('option', {value: a}, a)));
    xsel.value = S.xcol;
    xsel.addEventListener('change', () => { S.xcol = xsel.value; reload(runs).catch(fail); });
    view.replaceChildren(el('div', {class: 'runhead'}, el('a', {href: '#/'}, '← all runs'),
        el('label', {}, 'x axis ', xsel), el('button', {onclick: () => reload(runs).catch(fail)}, 'reset zoom')),
      ...runs.map((r, i) => header(r, runs.length > 1 ? PALETTE[i % PALETTE.length] : null)),
      el('div', {class: 'grid', id: 'charts'}));
    await reload(runs);
    timers.push(setInterval(() => poll(runs).catch(fail), POLL_MS));
  }

  function header(r, color) {
    const m = r.meta, c = m.config || {}, base = '/files/' + enc(r.id) + '/';
    const links = [m.report ? el('a', {href: base + 'report.html'}, 'report.html') : null, el('a', {href: base}, 'files'),
      m.metrics ? el('a', {href: base + 'metrics.csv'}, 'metrics.csv') : null, el('a', {href: base + 'config.yaml'}, 'config.yaml')];
    const facts = [['dataset', c.dataset || m.dataset], ['hidden', c.hidden], ['activation', c.activation], ['cost', c.cost], ['dtype', c.dtype],
      ['batch', c.batch], ['lr', c.lr != null ? lrLaw(c) : null], ['init', c.init_scale], ['seed', c.seed]];
    return el('div', {class: 'run', 'data-id': r.id},
      el('div', {class: 'runhead'}, el('h1', {}, color ? el('span', {class: 'swatch', style: 'background:' + color}) : null, r.id),
        el('span', {class: 'status ' + m.status, id: 'status-' + r.id}, m.status), el('span', {class: 'links'}, links),
        el('span', {class: 'muted', id: 'progress-' + r.id}, progressText(m))),
      el('div', {class: 'facts'}, facts.filter(f => f[1] != null).map(([k, v]) => el('span', {}, k + ' ' + v))));
  }
  function progressText(m) {
    const c = m.config || {};
    return 'step ' + (m.step ?? '–') + (c.steps ? ' of ' + c.steps : '') + ', loss ' + fmt(m.loss) + ', ' + m.escapes + ' escapes, ' + duration(m.seconds);
  }

  /** Curves from the start: decimated to what the chart width shows, in the range zoomed to (lo, hi) if given. */
  async function reload(runs, lo, hi) {
    const points = Math.max(400, Math.round(window.innerWidth));
    await Promise.all(runs.map(async r => {
      const cols = wanted(r.meta);
      let q = '/api/metrics?run=' + encodeURIComponent(r.id) + '&x=' + S.xcol + '&cols=' + cols.join(',') + '&points=' + points;
      if (lo != null) q += '&lo=' + lo + '&hi=' + hi;
      const d = await getJSON(q);
      r.x = d.data[0];
      r.cols = {};
      d.columns.forEach((c, i) => { r.cols[c] = d.data[i + 1]; });
      r.next = d.next;
      r.points = points;
      if (lo == null) await loadSpectra(r, true);
    }));
    S.zoomed = lo != null;
    draw(runs);
  }

  async function loadSpectra(r, fresh) {
    if (fresh) r.spectra = {next: 0, step: [], layer: [], index: [], value: []};
    for (;;) {
      const d = await getJSON('/api/spectra?run=' + encodeURIComponent(r.id) + '&from=' + r.spectra.next);
      if (d.rows < r.spectra.next) return loadSpectra(r, true); // cut back by a resume: read again
      ['step', 'layer', 'index', 'value'].forEach((k, i) => r.spectra[k].push(...d.data[i]));
      const more = d.next < d.rows && d.next > r.spectra.next;
      r.spectra.next = d.next;
      if (!more) return;
    }
  }

  /**
   * A live run's new rows, appended; every fifth poll its status, plateaus and escapes. A run seen not live is read
   * once more (its last rows and final analysis were written before it let go of its folder) and then left alone.
   */
  let polls = 0;
  async function poll(runs) {
    polls++;
    let changed = false;
    for (const r of runs) {
      if (r.done) continue;
      if (polls % 5 === 1 || r.meta.status !== 'live') {
        r.meta = await getJSON('/api/run?run=' + encodeURIComponent(r.id));
        const st = document.getElementById('status-' + r.id);
        if (st) { st.textContent = r.meta.status; st.className = 'status ' + r.meta.status; }
        const pr = document.getElementById('progress-' + r.id);
        if (pr) pr.textContent = progressText(r.meta);
        changed = true;
      }
      const d = await getJSON('/api/metrics?run=' + encodeURIComponent(r.id) + '&x=' + S.xcol + '&cols=' + wanted(r.meta).join(',') + '&from=' + r.next);
      if (d.rows < r.next) return reload(runs); // metrics.csv cut back (a resume): start again
      if (d.data[0].length) {
        const keep = d.data[0].map(x => x > 0);
        r.x.push(...d.data[0].filter((_, i) => keep[i]));
        d.columns.forEach((c, i) => { (r.cols[c] = r.cols[c] || []).push(...d.data[i + 1].filter((_, j) => keep[j])); });
        changed = true;
      }
      r.next = d.next;
      const before = r.spectra.next;
      await loadSpectra(r, false);
      changed = changed || r.spectra.next !== before;
      if (r.meta.status !== 'live' && d.next >= d.rows) r.done = true;
    }
    if (!changed) return;
    if (!S.zoomed && runs.some(r => r.x.length > 4 * r.points)) return reload(runs); // decimate again
    draw(runs);
  }

  // ---------------------------------------------------------------- charts
  const positive = a => a.map(v => (v > 0 ? v : null));
  const LOSS_LABEL = {loss: 'loss (window mean)', train_loss: 'train loss', test_loss: 'test loss'};

  /** The panels: for one run every curve; for several, one curve of each run per panel. */
  function panels(runs) {
    const one = runs.length === 1, r0 = runs[0];
    const series = (name, pick) => runs.map((r, i) => ({run: r, label: one ? name : r.id, color: PALETTE[i % PALETTE.length], values: pick(r)}));
    const out = [];
    if (one) {
      out.push({key: 'loss', title: 'Loss (log–log): plateaus shaded, escapes dashed', yLabel: 'loss', logY: true, saddles: true,
        series: ['loss', 'train_loss', 'test_loss'].filter(c => r0.cols[c]).map((c, i) => ({run: r0, label: LOSS_LABEL[c], color: PALETTE[i], values: r0.cols[c]}))});
      out.push({key: 'norms', title: '‖θ‖ and ‖W<sub>ℓ</sub>‖<sub>F</sub>', yLabel: 'Frobenius norm', logY: true, series: ['norm', ...layers(r0.meta, 'w_norm_').map(l => 'w_norm_' + l)]
        .filter(c => r0.cols[c]).map((c, i) => ({run: r0, label: c === 'norm' ? '‖θ‖' : '‖W' + sub(c.slice(7)) + '‖', color: PALETTE[i % 10], values: r0.cols[c]}))});
      out.push({key: 'speed', title: 'Escape speed <i>s</i> = −L<sub>0</sub>(θ/‖θ‖), unit sphere', yLabel: 's (unit sphere)', logY: true, speed: true,
        series: r0.cols.speed_unit ? [{run: r0, label: 's (unit sphere)', color: PALETTE[0], values: r0.cols.speed_unit}] : []});
      out.push({key: 'lost', title: 'Lost updates: share of a logged step\'s updates rounded away', yLabel: 'share', logY: false,
        series: layers(r0.meta, 'lost_updates_').map((l, i) => ({run: r0, label: 'W' + sub(l), color: PALETTE[i % 10], values: r0.cols['lost_updates_' + l]}))});
    } else {
      out.push({key: 'loss', title: 'Loss (log–log), escapes dashed', yLabel: 'loss', logY: true, saddles: true, series: series('loss', r => r.cols.loss)});
      out.push({key: 'norms', title: '‖θ‖', yLabel: '‖θ‖', logY: true, series: series('‖θ‖', r => r.cols.norm)});
      out.push({key: 'speed', title: 'Escape speed <i>s</i> = −L<sub>0</sub>(θ/‖θ‖), unit sphere', yLabel: 's (unit sphere)', logY: true, speed: true, series: series('s', r => r.cols.speed_unit)});
      out.push({key: 'lost', title: 'Lost updates, largest share over the layers', yLabel: 'share', logY: false, series: series('lost', r => maxOver(r, 'lost_updates_'))});
    }
    const depth = Math.max(0, ...runs.map(r => layers(r.meta, 'w_norm_').length));
    for (let l = 1; l <= depth; l++) {
      if (one) {
        const t = spectraTable(r0, l);
        out.push({key: 'sv' + l, title: 'Singular values of W<sub>' + l + '</sub>', yLabel: 'σᵢ', logY: true, own: t,
          series: t.labels.map((lab, i) => ({label: lab, color: PALETTE[i % 10]}))});
      } else {
        const tabs = runs.map(r => spectraTable(r, l, 1));
        out.push({key: 'sv' + l, title: 'σ<sub>1</sub> of W<sub>' + l + '</sub>', yLabel: 'σ₁', logY: true, joined: tabs,
          series: runs.map((r, i) => ({label: r.id, color: PALETTE[i % 10]}))});
      }
    }
    return out.filter(p => p.series.length || p.own || p.joined);
  }

  function maxOver(r, prefix) {
    const ls = layers(r.meta, prefix);
    if (!ls.length) return null;
    return r.x.map((_, i) => {
      let m = null;
      for (const l of ls) { const v = r.cols[prefix + l][i]; if (v != null && (m == null || v > m)) m = v; }
      return m;
    });
  }

  /** One layer's singular values as an aligned table [x, σ₁, σ₂, …] (the first {@code k} only if given), x mapped to the chosen axis. */
  function spectraTable(r, layer, k) {
    const sp = r.spectra, steps = [], byIndex = {};
    for (let i = 0; i < sp.step.length; i++) {
      if (sp.layer[i] !== layer || (k && sp.index[i] > k)) continue;
      const s = sp.step[i];
      if (!steps.length || steps[steps.length - 1] !== s) steps.push(s);
      (byIndex[sp.index[i]] = byIndex[sp.index[i]] || new Map()).set(s, sp.value[i]);
    }
    const idx = Object.keys(byIndex).map(Number).sort((a, b) => a - b);
    const xs = steps.map(s => toAxis(r, s));
    const keep = xs.map(x => x != null && x > 0);
    return {labels: idx.map(i => 'σ' + sub(i)),
      data: [xs.filter((_, i) => keep[i]), ...idx.map(i => positive(steps.filter((_, j) => keep[j]).map(s => byIndex[i].get(s) ?? null)))]};
  }

  /** A step on the chosen x axis: itself, or read off the run's curves (steps against x, both monotone). */
  function toAxis(r, step) {
    if (S.xcol === 'step') return step;
    const st = r.stepCol;
    if (!st || !st.length) return null;
    let lo = 0, hi = st.length - 1;
    if (step <= st[0]) return r.x[0];
    if (step >= st[hi]) return r.x[hi];
    while (hi - lo > 1) { const mid = (lo + hi) >> 1; if (st[mid] <= step) lo = mid; else hi = mid; }
    const f = (step - st[lo]) / ((st[hi] - st[lo]) || 1);
    return r.x[lo] + f * (r.x[hi] - r.x[lo]);
  }

  function data(p, runs) {
    if (p.own) return p.own.data;
    if (p.joined) return p.joined.some(t => t.data[0].length) ? uPlot.join(p.joined.map(t => t.data)) : [[]];
    if (runs.length === 1) {
      return [runs[0].x, ...p.series.map(s => (p.logY ? positive(s.values || []) : s.values || []))];
    }
    return uPlot.join(p.series.map(s => [s.run.x, p.logY ? positive(s.values || s.run.x.map(() => null)) : (s.values || s.run.x.map(() => null))]));
  }

  function draw(runs) {
    for (const r of runs) r.stepCol = S.xcol === 'step' ? r.x : r.cols.step;
    // every chart of the view on the same x range: the curves' (spectra snapshots before the first logged row aside)
    const xs = runs.flatMap(r => r.x.length ? [r.x[0], r.x[r.x.length - 1]] : []);
    S.xrange = xs.length ? [Math.min(...xs), Math.max(...xs)] : null;
    const box = document.getElementById('charts');
    if (!box) return;
    const width = Math.max(360, Math.min(760, (box.clientWidth || 1200) / (box.clientWidth > 1180 ? 2 : 1) - 24));
    for (const p of panels(runs)) {
      const d = data(p, runs);
      let u = S.charts[p.key];
      if (u && u.series.length !== p.series.length + 1) { u.destroy(); delete S.charts[p.key]; u = null; document.getElementById('panel-' + p.key)?.remove(); }
      if (!u) {
        const h2 = el('h2');
        h2.innerHTML = p.title; // our own fixed titles, with <sub>
        const host = el('div', {class: 'panel', id: 'panel-' + p.key}, h2, el('p', {class: 'note', id: 'note-' + p.key}));
        box.append(host);
        u = S.charts[p.key] = new uPlot(options(p, runs, width), d, host);
      } else {
        u.setData(d, !S.zoomed);
      }
      note(p, runs);
    }
    S.loaded = performance.now();
  }

  function note(p, runs) {
    const n = document.getElementById('note-' + p.key);
    if (!n) return;
    if (p.speed) {
      let bad = 0;
      for (const s of p.series) for (const v of s.values || []) if (v != null && !(v > 0)) bad++;
      n.textContent = bad ? bad + ' points with s ≤ 0 not shown (log axis)' : '';
    } else if (p.key.startsWith('sv') && !(p.own ? p.own.data[0].length : p.joined.some(t => t.data[0].length))) {
      n.textContent = 'no spectra.csv rows yet';
    }
  }

  function options(p, runs, width) {
    return {
      width, height: 300,
      scales: {x: {time: false, distr: 3, range: (u, lo, hi) => (S.xrange && !S.zoomed ? uPlot.rangeLog(S.xrange[0], S.xrange[1], 10, true) : [lo, hi])}, y: p.logY ? {distr: 3} : {range: (u, lo, hi) => [0, Math.max((hi || 0) * 1.05, 1e-3)]}},
      axes: [{label: S.xcol, size: 44, values: (u, v) => v.map(x => fmtTick(x))}, {label: p.yLabel || '', size: 64, values: (u, v) => v.map(x => fmtTick(x))}],
      series: [{label: S.xcol, value: (u, v) => fmt(v)},
        ...p.series.map(s => ({label: s.label, stroke: s.color, width: 1.5, spanGaps: true, points: {show: false}, value: (u, v) => fmt(v)}))],
      cursor: {sync: {key: 'saddlescope-x', setSeries: false}, drag: {x: true, y: false}},
      legend: {live: true},
      hooks: {draw: p.saddles ? [u => saddles(u, runs)] : [], setSelect: [u => zoomTo(u, runs)]},
    };
  }
  function fmtTick(v) {
    if (v == null) return '';
    const a = Math.abs(v);
    if (a !== 0 && (a < 1e-3 || a >= 1e5)) return v.toExponential(0).replace('e+', 'e');
    return String(Number(v.toPrecision(3)));
  }

  /** After a drag on any chart: every chart shows that x range, with the curves fetched again at full detail there. */
  function zoomTo(u, runs) {
    if (u.select.width < 4) return;
    const lo = u.posToVal(u.select.left, 'x'), hi = u.posToVal(u.select.left + u.select.width, 'x');
    u.setSelect({left: 0, width: 0, top: 0, height: 0}, false);
    reload(runs, lo, hi).then(() => Object.values(S.charts).forEach(c => c.setScale('x', {min: lo, max: hi}))).catch(fail);
  }

  /** Plateaus shaded and escapes dashed, from plateaus.csv and escapes.csv (one colour per run when overlaid). */
  function saddles(u, runs) {
    const ctx = u.ctx, top = u.bbox.top, height = u.bbox.height, dpr = devicePixelRatio || 1;
    ctx.save();
    ctx.textAlign = 'left'; // uPlot leaves its axis labels' alignment on the context
    ctx.textBaseline = 'alphabetic';
    ctx.beginPath();
    ctx.rect(u.bbox.left, top, u.bbox.width, height);
    ctx.clip(); // a plateau from step 1 starts left of a plot whose first point is later
    ctx.font = (11 * dpr) + 'px system-ui, sans-serif';
    runs.forEach((r, ri) => {
      const color = runs.length > 1 ? PALETTE[ri % 10] : null;
      if (runs.length === 1) {
        (r.meta.saddles.plateaus || []).forEach((p, i) => {
          const a = toAxis(r, Math.max(1, +p.start_step)), b = toAxis(r, +p.end_step);
          if (a == null || b == null) return;
          const x0 = u.valToPos(a, 'x', true), x1 = u.valToPos(b, 'x', true);
          ctx.fillStyle = ['rgba(31,119,180,0.13)', 'rgba(255,127,14,0.13)', 'rgba(44,160,44,0.13)', 'rgba(148,103,189,0.13)'][i % 4];
          ctx.fillRect(x0, top, Math.max(1, x1 - x0), height);
          ctx.fillStyle = '#444';
          ctx.fillText('P' + p.plateau, Math.max(x0, u.bbox.left) + 3 * dpr, top + height - 5 * dpr);
        });
      }
      (r.meta.saddles.escapes || []).forEach(e => {
        const at = toAxis(r, +e.middle_step);
        if (at == null) return;
        const x = u.valToPos(at, 'x', true);
        ctx.strokeStyle = color || '#444';
        ctx.setLineDash([4 * dpr, 3 * dpr]);
        ctx.beginPath(); ctx.moveTo(x, top); ctx.lineTo(x, top + height); ctx.stroke();
        ctx.fillStyle = color || '#444';
        ctx.fillText('E' + e.escape, x + 3 * dpr, top + 12 * dpr);
      });
    });
    ctx.restore();
  }

  // ---------------------------------------------------------------- what a test (or a curious reader) can ask
  /** Points of column {@code col} shown for run {@code id} (finite values). */
  S.points = (id, col) => {
    const r = (S.shown || []).find(r => r.id === id);
    return r && r.cols[col] ? r.cols[col].filter(v => v != null && isFinite(v)).length : 0;
  };
  S.status = id => { const r = (S.shown || []).find(r => r.id === id); return r ? r.meta.status : null; };
  S.chartCount = () => Object.keys(S.charts || {}).length;
  /** The labels of the curves in chart {@code key} ('loss', 'norms', 'speed', 'lost', 'sv1', …). */
  S.curves = key => S.charts && S.charts[key] ? S.charts[key].series.slice(1).map(s => s.label) : [];

  route();
})();
