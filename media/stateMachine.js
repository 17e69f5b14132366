// The state-machine view's page: draws the states and transitions it is sent
// (one `model` message), highlights where each replica is and the path it
// took, and asks the extension to toggle a breakpoint when an edge is clicked.
// Plain DOM and SVG; no remote resources (the CSP allows none).
(function () {
  'use strict';
  const vscode = acquireVsCodeApi();
  const SVG = 'http://www.w3.org/2000/svg';
  const BOX_W = 200;
  const BOX_H = 26;
  const ROW = 44;
  const TOP = 20;
  const LEFT = 170;
  const LANE = 11;
  const svg = document.getElementById('diagram');
  const timeline = document.getElementById('timeline');
  const legend = document.getElementById('legend');

  function el(name, attrs, parent) {
    const node = document.createElementNS(SVG, name);
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
    if (parent) parent.appendChild(node);
    return node;
  }

  function layout(states) {
    const pos = new Map();
    states.forEach((s, i) => pos.set(s, { x: LEFT, y: TOP + i * ROW, index: i }));
    return pos;
  }

  /** Back edges (to an earlier state) run in lanes on the right; forward skips on the left. */
  function edgePath(a, b, lane) {
    if (b.index === a.index + 1) {
      const x = a.x + BOX_W / 2;
      return { d: `M ${x} ${a.y + BOX_H} L ${x} ${b.y - 2}`, mid: { x, y: (a.y + BOX_H + b.y) / 2 } };
    }
    const right = b.index < a.index;
    const sx = right ? a.x + BOX_W : a.x;
    const ex = right ? b.x + BOX_W : b.x;
    const lx = right ? a.x + BOX_W + 14 + lane * LANE : a.x - 14 - lane * LANE;
    const sy = a.y + BOX_H / 2;
    const ey = b.y + BOX_H / 2 + (right ? 4 : -4);
    return {
      d: `M ${sx} ${sy} C ${lx} ${sy}, ${lx} ${sy}, ${lx} ${(sy + ey) / 2} S ${lx} ${ey}, ${ex + (right ? 2 : -2)} ${ey}`,
      mid: { x: lx, y: (sy + ey) / 2 },
    };
  }

  function render(model) {
    svg.replaceChildren();
    const pos = layout(model.states);
    const defs = el('defs', {}, svg);
    const marker = el('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' }, defs);
    el('path', { d: 'M 0 0 L 10 5 L 0 10 z', class: 'arrowhead' }, marker);

    const taken = new Map();
    for (const t of model.path) taken.set(`${t.from}->${t.to}`, (taken.get(`${t.from}->${t.to}`) || 0) + 1);
    const bps = new Map(model.breakpoints.map((b) => [`${b.from}->${b.to}`, b]));
    let rightLane = 0;
    let leftLane = 0;
    const edges = el('g', { class: 'edges' }, svg);
    for (const t of model.transitions) {
      const a = pos.get(t.from);
      const b = pos.get(t.to);
      if (!a || !b) continue;
      const adjacent = b.index === a.index + 1;
      const lane = adjacent ? 0 : b.index < a.index ? rightLane++ : leftLane++;
      const { d, mid } = edgePath(a, b, lane);
      const key = `${t.from}->${t.to}`;
      const g = el('g', { class: `edge${taken.has(key) ? ' taken' : ''}`, tabindex: 0, role: 'button', 'aria-label': `${key}: ${t.summary}` }, edges);
      el('title', {}, g).textContent = `${key}\n${t.where}: ${t.summary}${taken.has(key) ? `\ntaken ${taken.get(key)}×` : ''}\nclick: toggle a breakpoint`;
      el('path', { d, class: 'hit' }, g);
      el('path', { d, class: 'line', 'marker-end': 'url(#arrow)' }, g);
      const bp = bps.get(key);
      if (bp) el('circle', { cx: mid.x, cy: mid.y, r: 5, class: bp.enabled ? 'bp' : 'bp disabled' }, g);
      const toggle = () => vscode.postMessage({ type: 'toggleBreakpoint', from: t.from, to: t.to });
      g.addEventListener('click', toggle);
      g.addEventListener('keydown', (e) => {
        if (e.key === 'Enter' || e.key === ' ') toggle();
      });
    }
    const width = LEFT + BOX_W + 30 + rightLane * LANE + 120;
    svg.setAttribute('viewBox', `0 0 ${width} ${TOP + model.states.length * ROW}`);
    svg.setAttribute('width', String(width));
    svg.setAttribute('height', String(TOP + model.states.length * ROW));

    const here = new Map();
    for (const r of model.replicas) {
      if (!here.has(r.state)) here.set(r.state, []);
      here.get(r.state).push(r);
    }
    const boxes = el('g', { class: 'states' }, svg);
    for (const s of model.states) {
      const p = pos.get(s);
      const replicas = here.get(s) || [];
      const g = el('g', { class: `state${replicas.length ? ' current' : ''}${replicas.some((r) => r.stopped) ? ' stopped' : ''}` }, boxes);
      el('rect', { x: p.x, y: p.y, width: BOX_W, height: BOX_H, rx: 5 }, g);
      const label = el('text', { x: p.x + BOX_W / 2, y: p.y + BOX_H / 2 + 4, 'text-anchor': 'middle' }, g);
      label.textContent = s;
      replicas.forEach((r, i) => {
        const bx = p.x - 22 - i * 22;
        el('circle', { cx: bx, cy: p.y + BOX_H / 2, r: 9, class: `badge${r.stopped ? ' stopped' : ''}` }, g);
        const t = el('text', { x: bx, y: p.y + BOX_H / 2 + 4, 'text-anchor': 'middle', class: 'badge-text' }, g);
        t.textContent = String(r.threadId);
        el('title', {}, t).textContent = `${r.name}${r.stopped ? ' (stopped)' : ''}`;
      });
    }

    readableLabels();

    legend.replaceChildren(...model.replicas.map((r) => {
      const li = document.createElement('li');
      li.textContent = `${r.threadId}: ${r.name}${r.stopped ? ' — stopped' : ''}`;
      return li;
    }));
    if (model.replicas.length === 0) {
      const li = document.createElement('li');
      li.textContent = 'No replica debug session is running.';
      legend.appendChild(li);
    }

    timeline.replaceChildren(...model.path.slice(-60).reverse().map((t) => {
      const li = document.createElement('li');
      const time = new Date(t.at).toISOString().slice(11, 23);
      li.textContent = `${time}  replica ${t.threadId}  ${t.from} → ${t.to}  (${t.cause}) ${t.message}`;
      return li;
    }));
  }

  /** WCAG relative luminance of a computed `rgb(r, g, b)` colour, or null when it cannot be read. */
  function luminance(color) {
    const m = /rgba?\((\d+),\s*(\d+),\s*(\d+)/.exec(color);
    if (!m) return null;
    const lin = (c) => {
      const v = Number(c) / 255;
      return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    };
    return 0.2126 * lin(m[1]) + 0.7152 * lin(m[2]) + 0.0722 * lin(m[3]);
  }

  /**
   * A highlighted box or badge takes its fill from the theme (charts colours), so a fixed text colour is
   * unreadable in some theme: black or white, whichever contrasts more with the fill actually drawn.
   */
  function readableLabels() {
    const pairs = [
      ...[...svg.querySelectorAll('.state.current')].map((g) => [g.querySelector('rect'), g.querySelector('text')]),
      ...[...svg.querySelectorAll('.badge')].map((c) => [c, c.nextElementSibling]),
    ];
    for (const [shape, label] of pairs) {
      if (!shape || !label) continue;
      const l = luminance(getComputedStyle(shape).fill);
      if (l === null) continue;
      // Contrast with black is (l + 0.05) / 0.05, with white 1.05 / (l + 0.05): equal at l ≈ 0.179.
      label.style.fill = l > 0.179 ? '#000000' : '#ffffff';
    }
  }

  window.addEventListener('message', (event) => {
    const m = event.data;
    if (m && m.type === 'model') {
      vscode.setState(m);
      render(m);
    }
  });
  // A theme change swaps the CSS variables (on <html>) and the body's class: the labels follow the new fills.
  const relabel = new MutationObserver(() => readableLabels());
  relabel.observe(document.documentElement, { attributes: true, attributeFilter: ['style', 'class'] });
  relabel.observe(document.body, { attributes: true, attributeFilter: ['class'] });

  const saved = vscode.getState();
  if (saved) render(saved);
  // The extension's first post may come before this page could listen: ask for the model now.
  vscode.postMessage({ type: 'ready' });
})();
