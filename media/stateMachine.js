// The state-machine view's page: draws the diagrams it is sent (one `model`
// message: a diagram per version the replicas emulate, each with the main
// machine and, for a version that has one, the second connection's machine
// beside it), highlights where each replica is on both and the path it took,
// and asks the extension to toggle a breakpoint when an edge is clicked.
// Plain DOM and SVG; no remote resources (the CSP allows none).
(function () {
  'use strict';
  const vscode = acquireVsCodeApi();
  const SVG = 'http://www.w3.org/2000/svg';
  const BOX_W = 200;
  const CHANNEL_BOX_W = 270;
  const BOX_H = 26;
  const ROW = 44;
  const TOP = 40;
  const LEFT = 170;
  const LANE = 11;
  const BADGE = 22;
  const diagrams = document.getElementById('diagrams');
  const timeline = document.getElementById('timeline');
  const legend = document.getElementById('legend');

  function el(name, attrs, parent) {
    const node = document.createElementNS(SVG, name);
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
    if (parent) parent.appendChild(node);
    return node;
  }

  /** Back edges (to an earlier state) run in lanes on the right; forward skips on the left. */
  function edgePath(a, b, lane, width) {
    if (b.index === a.index + 1) {
      const x = a.x + width / 2;
      return { d: `M ${x} ${a.y + BOX_H} L ${x} ${b.y - 2}`, mid: { x, y: (a.y + BOX_H + b.y) / 2 } };
    }
    const right = b.index < a.index;
    const sx = right ? a.x + width : a.x;
    const ex = right ? b.x + width : b.x;
    const lx = right ? a.x + width + 14 + lane * LANE : a.x - 14 - lane * LANE;
    const sy = a.y + BOX_H / 2;
    const ey = b.y + BOX_H / 2 + (right ? 4 : -4);
    return {
      d: `M ${sx} ${sy} C ${lx} ${sy}, ${lx} ${sy}, ${lx} ${(sy + ey) / 2} S ${lx} ${ey}, ${ex + (right ? 2 : -2)} ${ey}`,
      mid: { x: lx, y: (sy + ey) / 2 },
    };
  }

  /** The lanes each machine's skips need, so columns can be placed side by side. */
  function lanesOf(machine) {
    const index = new Map(machine.states.map((s, i) => [s, i]));
    let right = 0;
    let left = 0;
    for (const t of machine.transitions) {
      const a = index.get(t.from);
      const b = index.get(t.to);
      if (a === undefined || b === undefined || b === a + 1) continue;
      if (b < a) right++;
      else left++;
    }
    return { right, left };
  }

  /** One diagram: its machines as columns (main first), the replicas drawn on it, its taken edges and breakpoints. */
  function renderDiagram(diagram, model, section) {
    const here = model.replicas.filter((r) => r.profile === diagram.profile);
    const ids = new Set(here.map((r) => `${r.sessionId}|${r.threadId}`));
    const taken = new Map();
    for (const t of model.path) {
      if (!ids.has(`${t.sessionId}|${t.threadId}`)) continue;
      const key = `${t.from}->${t.to}`;
      taken.set(key, (taken.get(key) || 0) + 1);
    }
    // An exact FROM->TO breakpoint wins over a pattern on the same edge (it is the one a click removes).
    const bps = new Map();
    for (const b of model.breakpoints) {
      const key = `${b.from}->${b.to}`;
      const had = bps.get(key);
      if (!had || (b.exact && !had.exact) || (b.exact === had.exact && b.enabled && !had.enabled)) bps.set(key, b);
    }
    const svg = el('svg', { class: 'diagram', role: 'img', 'aria-label': `${diagram.title}: states and transitions` }, section);
    const defs = el('defs', {}, svg);
    const marker = el('marker', { id: `arrow-${diagram.profile || 'all'}`, viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' }, defs);
    el('path', { d: 'M 0 0 L 10 5 L 0 10 z', class: 'arrowhead' }, marker);
    const arrow = `url(#arrow-${diagram.profile || 'all'})`;

    // Column placement: room on the left for skips and badges, on the right for back edges.
    const columns = [];
    let x = 0;
    for (const machine of diagram.machines) {
      const lanes = lanesOf(machine);
      const width = machine.id === 'main' ? BOX_W : CHANNEL_BOX_W;
      const left = Math.max(machine.id === 'main' ? LEFT : 40, 24 + lanes.left * LANE + Math.max(1, here.length) * BADGE);
      const cx = x + left;
      columns.push({ machine, x: cx, width });
      x = cx + width + 30 + lanes.right * LANE;
    }
    const rows = Math.max(...diagram.machines.map((m) => m.states.length));
    const height = TOP + rows * ROW;
    svg.setAttribute('viewBox', `0 0 ${x + 20} ${height}`);
    svg.setAttribute('width', String(x + 20));
    svg.setAttribute('height', String(height));

    const pos = new Map();
    for (const c of columns) c.machine.states.forEach((s, i) => pos.set(s, { x: c.x, y: TOP + i * ROW, index: i, width: c.width }));
    const titles = el('g', { class: 'titles' }, svg);
    for (const c of columns) {
      const t = el('text', { x: c.x, y: TOP - 14, class: 'column-title' }, titles);
      t.textContent = c.machine.title;
    }

    const edges = el('g', { class: 'edges' }, svg);
    for (const c of columns) {
      let rightLane = 0;
      let leftLane = 0;
      for (const t of c.machine.transitions) {
        const a = pos.get(t.from);
        const b = pos.get(t.to);
        if (!a || !b) continue;
        const adjacent = b.index === a.index + 1;
        const lane = adjacent ? 0 : b.index < a.index ? rightLane++ : leftLane++;
        const { d, mid } = edgePath(a, b, lane, c.width);
        const key = `${t.from}->${t.to}`;
        const g = el('g', { class: `edge${taken.has(key) ? ' taken' : ''}`, tabindex: 0, role: 'button', 'aria-label': `${key}: ${t.summary}`, 'data-edge': key }, edges);
        const bpNote = bps.has(key) ? (bps.get(key).exact ? '\na breakpoint stops here' : '\na pattern breakpoint stops here') : '';
        el('title', {}, g).textContent = `${key}\n${t.where}: ${t.summary}${taken.has(key) ? `\ntaken ${taken.get(key)}×` : ''}${bpNote}\nclick: toggle a breakpoint`;
        el('path', { d, class: 'hit' }, g);
        el('path', { d, class: 'line', 'marker-end': arrow }, g);
        const bp = bps.get(key);
        if (bp) el('circle', { cx: mid.x, cy: mid.y, r: 5, class: `bp${bp.enabled ? '' : ' disabled'}${bp.exact ? '' : ' pattern'}` }, g);
        const toggle = () => vscode.postMessage({ type: 'toggleBreakpoint', from: t.from, to: t.to });
        g.addEventListener('click', toggle);
        g.addEventListener('keydown', (e) => {
          if (e.key === 'Enter' || e.key === ' ') toggle();
        });
      }
    }

    // Each replica is somewhere on every machine of its version: its repl_state, and its channel's state.
    const at = new Map();
    const place = (state, r) => {
      if (!state) return;
      if (!at.has(state)) at.set(state, []);
      at.get(state).push(r);
    };
    for (const r of here) {
      place(r.state, r);
      place(r.channelState, r);
    }
    const boxes = el('g', { class: 'states' }, svg);
    for (const c of columns) {
      const g0 = el('g', { class: `machine machine-${c.machine.id}` }, boxes);
      for (const s of c.machine.states) {
        const p = pos.get(s);
        const replicas = at.get(s) || [];
        const g = el('g', { class: `state${replicas.length ? ' current' : ''}${replicas.some((r) => r.stopped) ? ' stopped' : ''}`, 'data-state': s }, g0);
        el('rect', { x: p.x, y: p.y, width: p.width, height: BOX_H, rx: 5 }, g);
        const label = el('text', { x: p.x + p.width / 2, y: p.y + BOX_H / 2 + 4, 'text-anchor': 'middle' }, g);
        label.textContent = s;
        replicas.forEach((r, i) => {
          const bx = p.x - BADGE - i * BADGE;
          el('circle', { cx: bx, cy: p.y + BOX_H / 2, r: 9, class: `badge${r.stopped ? ' stopped' : ''}` }, g);
          const t = el('text', { x: bx, y: p.y + BOX_H / 2 + 4, 'text-anchor': 'middle', class: 'badge-text' }, g);
          t.textContent = String(r.threadId);
          el('title', {}, t).textContent = `${r.name}${r.stopped ? ' (stopped)' : ''}`;
        });
      }
    }
  }

  function render(model) {
    diagrams.replaceChildren();
    for (const diagram of model.diagrams) {
      const section = document.createElement('section');
      section.className = 'version';
      section.dataset.profile = diagram.profile || 'all';
      const h = document.createElement('h2');
      h.textContent = diagram.title;
      section.appendChild(h);
      diagrams.appendChild(section);
      renderDiagram(diagram, model, section);
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
      ...[...diagrams.querySelectorAll('.state.current')].map((g) => [g.querySelector('rect'), g.querySelector('text')]),
      ...[...diagrams.querySelectorAll('.badge')].map((c) => [c, c.nextElementSibling]),
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
    if (m && m.type === 'model' && Array.isArray(m.diagrams)) {
      vscode.setState(m);
      render(m);
    }
  });
  // A theme change swaps the CSS variables (on <html>) and the body's class: the labels follow the new fills.
  const relabel = new MutationObserver(() => readableLabels());
  relabel.observe(document.documentElement, { attributes: true, attributeFilter: ['style', 'class'] });
  relabel.observe(document.body, { attributes: true, attributeFilter: ['class'] });

  const saved = vscode.getState();
  // A state saved by an earlier version of this page has no diagrams: wait for the extension's model.
  if (saved && Array.isArray(saved.diagrams)) render(saved);
  // The extension's first post may come before this page could listen: ask for the model now.
  vscode.postMessage({ type: 'ready' });
})();
