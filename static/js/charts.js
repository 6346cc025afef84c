// Charts drawn as SVG, sized to the space they have. A count hidden to
// protect privacy is drawn hatched and labelled, never as a zero.

import { h, s, newId } from "./dom.js";
import { RUNGS, rungName } from "./words.js";

export const HIDDEN = "hidden to protect privacy";

/** A diagonal hatch pattern for hidden counts. */
function hatch(id) {
  return s("pattern", { id, width: 8, height: 8, patternUnits: "userSpaceOnUse", patternTransform: "rotate(45)" },
    s("rect", { width: 8, height: 8, class: "hatch-bg" }),
    s("line", { x1: 0, y1: 0, x2: 0, y2: 8, class: "hatch-line" }));
}

/** Text cut to fit about width pixels at the chart's type size. */
function fit(text, width, px = 7.2) {
  const max = Math.max(4, Math.floor(width / px));
  return text.length > max ? text.slice(0, max - 1) + "…" : text;
}

/**
 * Wraps a drawing function so the chart is drawn for its holder's width and
 * drawn again when that width changes. describe is the chart's text
 * alternative, read by screen readers instead of the picture.
 */
export function responsive(draw, describe, className = "") {
  const holder = h("div", { class: "chart " + className });
  let last = 0;
  const ro = new ResizeObserver(() => {
    if (!holder.isConnected) { ro.disconnect(); return; }
    const w = Math.floor(holder.clientWidth);
    if (!w || Math.abs(w - last) < 4) return;
    last = w;
    const svg = draw(w);
    svg.setAttribute("role", "img");
    svg.setAttribute("aria-label", describe);
    holder.replaceChildren(svg);
  });
  ro.observe(holder);
  return holder;
}

/** The words a screen reader hears for a row's value. */
const said = (r) => (r.suppressed ? HIDDEN : String(r.count));

/**
 * Horizontal bars: rows are {label, count, suppressed, cls}. Bars share one
 * scale (max, or the largest shown count).
 */
export function barChart(rows, { title, max } = {}) {
  const describe = `${title ? title + ": " : ""}${rows.map((r) => `${r.label}, ${said(r)}`).join("; ")}.`;
  return responsive((width) => {
    const pid = newId("hatch");
    const longest = Math.max(...rows.map((r) => r.label.length));
    const labelW = Math.round(Math.min(190, longest * 7.2 + 6, width * 0.45));
    const x0 = labelW + 10;
    const valueRoom = 44;
    const track = Math.max(40, width - x0 - valueRoom);
    const rowH = 34, barH = 22;
    const top = Math.max(1, max || 0, ...rows.filter((r) => !r.suppressed).map((r) => r.count || 0));
    const height = rows.length * rowH + 4;
    const svg = s("svg", { width, height, viewBox: `0 0 ${width} ${height}`, class: "bars" }, s("defs", {}, hatch(pid)));
    rows.forEach((r, i) => {
      const y = i * rowH + 4;
      const mid = y + barH / 2;
      svg.append(s("text", { x: labelW, y: mid, class: "bar-label", "text-anchor": "end", "dominant-baseline": "central" },
        s("title", {}, r.label), fit(r.label, labelW)));
      if (r.suppressed) {
        const w = track + valueRoom - 10;
        svg.append(
          s("rect", { x: x0, y, width: w, height: barH, rx: 3, fill: `url(#${pid})`, class: "bar-hidden" }),
          s("text", { x: x0 + 8, y: mid, class: "hidden-label", "dominant-baseline": "central" }, w > 190 ? HIDDEN : "hidden"));
        return;
      }
      const n = r.count || 0;
      const w = n === 0 ? 2 : Math.max(3, (n / top) * track);
      svg.append(
        s("rect", { x: x0, y, width: w, height: barH, rx: 3, class: "bar " + (r.cls || "") }),
        s("text", { x: x0 + w + 6, y: mid, class: "bar-value", "dominant-baseline": "central" }, String(n)));
    });
    return svg;
  }, describe, "chart-bars");
}

/**
 * The movement picture: rungs before the period on the left (with people
 * new to the pathway), rungs at its end on the right, each as tall as the
 * people on it. A band runs along each move, as thick as the people who
 * made it. Hidden counts are drawn hatched, and hidden moves as dashed
 * lines, so that nothing hidden looks like a zero.
 */
export function flowChart(mv) {
  const key = (r) => (r === null || r === undefined ? "new" : r);
  const flows = mv.transitions.filter((t) => t.suppressed || (t.count || 0) > 0)
    .map((t) => ({ from: key(t.from), to: t.to, count: t.count, suppressed: t.suppressed }));
  const known = flows.filter((f) => !f.suppressed);
  const hidden = flows.filter((f) => f.suppressed);
  const prev = new Map((mv.previous.cells || []).map((c) => [c.rung, c]));
  const cur = new Map((mv.current.cells || []).map((c) => [c.rung, c]));
  const left = [...RUNGS.map((r) => ({ id: r, label: rungName(r), cell: prev.get(r) })), { id: "new", label: "New to the pathway", cell: mv.entered }];
  const right = RUNGS.map((r) => ({ id: r, label: rungName(r), cell: cur.get(r) }));
  const name = (id) => (id === "new" ? "New to the pathway" : rungName(id));
  const side = (nodes) => nodes.map((n) => `${n.label} ${said(n.cell || { suppressed: true })}`).join(", ");
  const describe = `Movement between rungs. Before the period: ${side(left)}. At its end: ${side(right)}. `
    + (known.length ? "Moves: " + known.map((f) => `${name(f.from)} to ${rungName(f.to)}, ${f.count}`).join("; ") + ". " : "")
    + (hidden.length ? `${hidden.length} ${hidden.length === 1 ? "move is" : "moves are"} ${HIDDEN}.` : "");
  const value = (n) => (n.cell && !n.cell.suppressed ? n.cell.count || 0 : null);

  return responsive((width) => {
    const pid = newId("hatch");
    const labelW = Math.min(150, Math.max(90, Math.round(width * 0.3)));
    const newLabel = labelW < 130 ? "New" : "New to the pathway";
    const nodeW = 10, gap = 10, slotMin = 34, hiddenH = 22, inner = 300, headerH = 28;
    const sum = (nodes) => nodes.reduce((a, n) => a + (value(n) || 0), 0);
    const unit = inner / Math.max(1, sum(left), sum(right));
    const nodeH = (n) => (value(n) === null ? hiddenH : Math.max(2, value(n) * unit));
    const place = (nodes) => {
      let y = headerH;
      for (const n of nodes) { n.y = y; n.h = nodeH(n); y += Math.max(n.h, slotMin) + gap; }
      return y;
    };
    const height = Math.max(place(left), place(right)) + 4;
    const xl = labelW, xr = width - labelW - nodeW, x0 = xl + nodeW, x1 = xr, xm = (x0 + x1) / 2;
    const svg = s("svg", { width, height, viewBox: `0 0 ${width} ${height}`, class: "flow" }, s("defs", {}, hatch(pid)));
    svg.append(
      s("text", { x: x0, y: 14, class: "axis-label", "text-anchor": "end" }, "Before"),
      s("text", { x: x1, y: 14, class: "axis-label", "text-anchor": "start" }, "At the end"));

    const byId = (nodes) => new Map(nodes.map((n) => [n.id, n]));
    const L = byId(left), R = byId(right);
    const lOff = new Map(left.map((n) => [n.id, n.y]));
    const rOff = new Map(right.map((n) => [n.id, n.y]));
    const order = (ids) => (a, b) => ids.indexOf(a) - ids.indexOf(b);
    const ids = [...RUNGS, "new"];
    const bands = [...known].sort((a, b) => order(ids)(a.from, b.from) || order(ids)(a.to, b.to));
    const pos = new Map(bands.map((f) => [f, {}]));
    for (const f of bands) { const t = f.count * unit; pos.get(f).y0 = lOff.get(f.from); lOff.set(f.from, lOff.get(f.from) + t); }
    for (const f of [...bands].sort((a, b) => order(ids)(a.to, b.to) || order(ids)(a.from, b.from))) { const t = f.count * unit; pos.get(f).y1 = rOff.get(f.to); rOff.set(f.to, rOff.get(f.to) + t); }
    for (const f of bands) {
      const { y0, y1 } = pos.get(f);
      const t = Math.max(1, f.count * unit);
      const d = `M${x0},${y0} C${xm},${y0} ${xm},${y1} ${x1},${y1} L${x1},${y1 + t} C${xm},${y1 + t} ${xm},${y0 + t} ${x0},${y0 + t} Z`;
      svg.append(s("path", { d, class: `band fill-${f.to}` }, s("title", {}, `${name(f.from)} to ${rungName(f.to)}: ${f.count}`)));
    }
    if (hidden.length && hidden.length === flows.length) {
      const cy = height / 2;
      const lines = (x1 - x0) > 210 ? ["Moves between rungs are", HIDDEN] : ["Moves", "hidden", "to protect", "privacy"];
      const box = s("g", { class: "flow-note" });
      box.append(s("rect", { x: x0 + 6, y: cy - lines.length * 9 - 6, width: x1 - x0 - 12, height: lines.length * 18 + 12, rx: 4, fill: `url(#${pid})`, class: "bar-hidden" }));
      lines.forEach((l, i) => box.append(s("text", { x: xm, y: cy - (lines.length - 1) * 9 + i * 18, "text-anchor": "middle", "dominant-baseline": "central", class: "hidden-label" }, l)));
      svg.append(box);
    } else {
      for (const f of hidden) {
        const a = L.get(f.from), b = R.get(f.to);
        const ya = a.y + a.h / 2, yb = b.y + b.h / 2;
        svg.append(s("path", { d: `M${x0},${ya} C${xm},${ya} ${xm},${yb} ${x1},${yb}`, class: "flow-hidden" },
          s("title", {}, `${name(f.from)} to ${rungName(f.to)}: ${HIDDEN}`)));
      }
    }
    const node = (n, x, anchor, tx) => {
      const v = value(n);
      svg.append(
        s("rect", v === null ? { x, y: n.y, width: nodeW, height: n.h, fill: `url(#${pid})`, class: "bar-hidden" }
          : { x, y: n.y, width: nodeW, height: n.h, class: n.id === "new" ? "node node-new" : `node fill-${n.id}` }),
        s("text", { x: tx, y: n.y + 11, class: "node-label", "text-anchor": anchor }, fit(n.id === "new" ? newLabel : n.label, labelW - 8, 7.6)),
        s("text", { x: tx, y: n.y + 26, class: v === null ? "node-count hidden-text" : "node-count", "text-anchor": anchor }, v === null ? "hidden" : String(v)));
    };
    for (const n of left) node(n, xl, "end", xl - 6);
    for (const n of right) node(n, xr, "start", xr + nodeW + 6);
    return svg;
  }, describe, "chart-flow");
}

/** A legend entry explaining the hatching. */
export function hiddenLegend(k) {
  const pid = newId("hatch");
  return h("p", { class: "legend" },
    s("svg", { width: 28, height: 16, viewBox: "0 0 28 16", "aria-hidden": "true", class: "legend-swatch" },
      s("defs", {}, hatch(pid)), s("rect", { width: 28, height: 16, rx: 3, fill: `url(#${pid})`, class: "bar-hidden" })),
    ` Hatched: ${HIDDEN}. Counts under ${k} people are hidden, and a few others with them so that no hidden count can be worked out. A hidden count is not a zero.`);
}
