// Charts drawn as SVG, sized to the space they have. Every count comes from
// a published release: it is drawn with its 95 % error margin, and a count
// that reads "fewer than k" is drawn hatched and labelled, never as a zero.

import { h, s, newId } from "./dom.js";
import { t, formatNumber } from "./i18n.js";

/** The words for a count below k. */
export const fewerThan = (k) => t("dashboard.fewer_than", { k: formatNumber(k) });

/** A diagonal hatch pattern for "fewer than k" counts. */
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

/**
 * A value as words: "about 53 (±30)", or "fewer than 11". A value is
 * {count, fewer, margin}; null when the release has no such cell.
 */
export function said(v, k) {
  if (!v) return t("dashboard.chart.not_published");
  if (v.fewer) return fewerThan(k);
  return v.margin != null ? t("dashboard.chart.about", { n: formatNumber(v.count), margin: formatNumber(v.margin) }) : formatNumber(v.count);
}

/** A round step for an axis that reaches top in about n steps. */
function niceStep(top, n = 3) {
  const raw = top / n;
  const p = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 2.5, 5, 10].map((m) => m * p).find((x) => x >= raw) || raw;
}

/** The key drawn under a chart: what the hatching and the whiskers mean.
 * The second entry goes on a line of its own when the chart is narrow. */
function keyRow(svg, y, x, k, pid, hasFewer, hasMargin, width) {
  let at = x;
  const wrap = hasFewer && hasMargin && x + 112 + 100 > width;
  if (hasMargin) {
    svg.append(
      s("line", { x1: at + 6, x2: at + 6, y1: y - 6, y2: y + 6, class: "whisker" }),
      s("line", { x1: at + 2, x2: at + 10, y1: y - 6, y2: y - 6, class: "whisker" }),
      s("line", { x1: at + 2, x2: at + 10, y1: y + 6, y2: y + 6, class: "whisker" }),
      s("text", { x: at + 16, y, class: "key-label", "dominant-baseline": "central" }, t("dashboard.chart.margin_key")));
    if (wrap) { at = x; y += 22; } else at += 112;
  }
  if (hasFewer) {
    svg.append(
      s("rect", { x: at, y: y - 7, width: 14, height: 14, fill: `url(#${pid})`, class: "bar-hidden" }),
      s("text", { x: at + 20, y, class: "key-label", "dominant-baseline": "central" }, fewerThan(k)));
  }
}

/**
 * Columns with error bars: one group per label along the bottom (periods,
 * rungs, quarters) and in each group one column per series. value(g, i)
 * returns the value of group g in series i ({count, fewer, margin} or
 * null). A "fewer than k" value is a hatched column up to k, labelled.
 */
export function columnChart({ groups, series, value, k, describe, height = 170, categorical = false }) {
  return responsive((width) => {
    const pid = newId("hatch");
    const vals = groups.map((_, g) => series.map((_, i) => value(g, i)));
    const flat = vals.flat().filter(Boolean);
    const hasFewer = flat.some((v) => v.fewer);
    const hasMargin = flat.some((v) => !v.fewer && v.margin != null);
    const top0 = Math.max(k, 1, ...flat.filter((v) => !v.fewer).map((v) => v.count + (v.margin || 0)));
    const step = niceStep(top0);
    const top = Math.ceil(top0 / step) * step;
    const axisW = 8 + String(top).length * 8;
    const plotTop = 10, plotH = height, labelH = categorical ? 40 : 34;
    const keyH = !(hasFewer || hasMargin) ? 0 : hasFewer && hasMargin && axisW + 212 > width ? 48 : 26;
    const svgH = plotTop + plotH + labelH + keyH;
    const x0 = axisW, plotW = Math.max(60, width - x0 - 4);
    const gw = plotW / groups.length;
    const bw = Math.max(3, Math.min(26, (gw - 4) / series.length - 2));
    const y = (n) => plotTop + plotH - (Math.max(0, n) / top) * plotH;
    const svg = s("svg", { width, height: svgH, viewBox: `0 0 ${width} ${svgH}`, class: "columns" }, s("defs", {}, hatch(pid)));
    for (let n = 0; n <= top; n += step) {
      svg.append(
        s("line", { x1: x0, x2: x0 + plotW, y1: y(n), y2: y(n), class: n === 0 ? "axis" : "gridline" }),
        s("text", { x: x0 - 4, y: y(n), class: "tick", "text-anchor": "end", "dominant-baseline": "central" }, formatNumber(n)));
    }
    // Labels along the bottom, thinned out so that they do not overlap.
    const longest = Math.max(...groups.map((g) => (g.short || g.label).length));
    // Categories (rungs) are never skipped: their labels take two lines in turn instead.
    const need = Math.max(1, Math.ceil((longest * 7 + 8) / gw));
    const stagger = categorical && need > 1;
    const every = stagger ? 1 : need;
    groups.forEach((grp, g) => {
      const gx = x0 + g * gw;
      const cw = series.length * (bw + 2) - 2;
      const left = gx + (gw - cw) / 2;
      series.forEach((ser, i) => {
        const v = vals[g][i];
        if (!v) return;
        const bx = left + i * (bw + 2), cx = bx + bw / 2;
        const tip = series.length > 1 ? t("dashboard.chart.tip_series", { label: grp.label, series: ser.name, value: said(v, k) }) : t("dashboard.chart.tip", { label: grp.label, value: said(v, k) });
        if (v.fewer) {
          svg.append(s("rect", { x: bx, y: y(k), width: bw, height: y(0) - y(k), fill: `url(#${pid})`, class: "bar-hidden" }, s("title", {}, tip)));
          if (bw >= 40) svg.append(s("text", { x: cx, y: y(k) - 6, class: "hidden-label", "text-anchor": "middle" }, fewerThan(k)));
          return;
        }
        const hgt = Math.max(1, y(0) - y(v.count));
        svg.append(s("rect", { x: bx, y: y(0) - hgt, width: bw, height: hgt, class: "bar " + (ser.cls || "") }, s("title", {}, tip)));
        if (v.margin) {
          const lo = y(v.count - v.margin), hi = y(v.count + v.margin), cap = Math.min(5, bw / 2 + 1);
          svg.append(
            s("line", { x1: cx, x2: cx, y1: lo, y2: hi, class: "whisker" }),
            s("line", { x1: cx - cap, x2: cx + cap, y1: hi, y2: hi, class: "whisker" }),
            s("line", { x1: cx - cap, x2: cx + cap, y1: lo, y2: lo, class: "whisker" }));
        }
      });
      if (g % every === 0 || g === groups.length - 1 && every === 1) {
        svg.append(s("text", { x: gx + gw / 2, y: plotTop + plotH + 16 + (stagger && g % 2 ? 14 : 0), class: "tick", "text-anchor": "middle" },
          s("title", {}, grp.label), fit(grp.short || grp.label, stagger ? 2 * gw - 4 : gw * every - 4, 7)));
      }
    });
    if (keyH) keyRow(svg, plotTop + plotH + labelH + 10, x0, k, pid, hasFewer, hasMargin, width);
    return svg;
  }, describe, "chart-columns");
}

/**
 * Horizontal bars for one release: rows are {label, value, cls} with value
 * as in said(). Each bar carries its error margin as whiskers.
 */
export function barChart(rows, { title, k }) {
  const describe = t("dashboard.chart.bars", { title, values: rows.map((r) => t("dashboard.chart.bar", { label: r.label, value: said(r.value, k) })).join("; ") });
  return responsive((width) => {
    const pid = newId("hatch");
    const longest = Math.max(...rows.map((r) => r.label.length));
    const labelW = Math.round(Math.min(190, longest * 7.2 + 6, width * 0.4));
    const x0 = labelW + 10;
    const valueRoom = 86;
    const track = Math.max(40, width - x0 - valueRoom);
    const rowH = 34, barH = 22;
    const shown = rows.map((r) => r.value).filter((v) => v && !v.fewer);
    const top = Math.max(1, k, ...shown.map((v) => v.count + (v.margin || 0)));
    const hasFewer = rows.some((r) => r.value && r.value.fewer);
    const hasMargin = shown.some((v) => v.margin);
    const keyH = !(hasFewer || hasMargin) ? 0 : hasFewer && hasMargin && x0 + 212 > width ? 48 : 26;
    const height = rows.length * rowH + 4 + keyH;
    const x = (n) => x0 + (Math.max(0, n) / top) * track;
    const svg = s("svg", { width, height, viewBox: `0 0 ${width} ${height}`, class: "bars" }, s("defs", {}, hatch(pid)));
    rows.forEach((r, i) => {
      const y = i * rowH + 4;
      const mid = y + barH / 2;
      svg.append(s("text", { x: labelW, y: mid, class: "bar-label", "text-anchor": "end", "dominant-baseline": "central" },
        s("title", {}, r.label), fit(r.label, labelW)));
      const v = r.value;
      if (!v) return;
      if (v.fewer) {
        svg.append(
          s("rect", { x: x0, y, width: x(k) - x0, height: barH, rx: 3, fill: `url(#${pid})`, class: "bar-hidden" }),
          s("text", { x: x(k) + 6, y: mid, class: "hidden-label", "dominant-baseline": "central" }, fewerThan(k)));
        return;
      }
      const w = v.count === 0 ? 2 : Math.max(3, x(v.count) - x0);
      svg.append(s("rect", { x: x0, y, width: w, height: barH, rx: 3, class: "bar " + (r.cls || "") }));
      let end = x0 + w;
      if (v.margin) {
        const lo = x(v.count - v.margin), hi = x(v.count + v.margin);
        svg.append(
          s("line", { x1: lo, x2: hi, y1: mid, y2: mid, class: "whisker" }),
          s("line", { x1: lo, x2: lo, y1: mid - 5, y2: mid + 5, class: "whisker" }),
          s("line", { x1: hi, x2: hi, y1: mid - 5, y2: mid + 5, class: "whisker" }));
        end = Math.max(end, hi);
      }
      svg.append(s("text", { x: end + 6, y: mid, class: "bar-value", "dominant-baseline": "central" },
        v.margin ? `${formatNumber(v.count)} ±${formatNumber(v.margin)}` : formatNumber(v.count)));
    });
    if (keyH) keyRow(svg, rows.length * rowH + 18, x0, k, pid, hasFewer, hasMargin, width);
    return svg;
  }, describe, "chart-bars");
}

/** A legend for the series of a chart: a swatch and a name each. */
export function seriesKey(series) {
  return h("ul", { class: "series-key", "aria-hidden": "true" }, series.map((ser) =>
    h("li", {}, s("svg", { width: 14, height: 14, viewBox: "0 0 14 14" }, s("rect", { width: 14, height: 14, rx: 2, class: "bar " + ser.cls })), ser.name)));
}

/** A legend entry explaining the hatching and the margins. */
export function fewerLegend(k) {
  const pid = newId("hatch");
  return h("p", { class: "legend" },
    s("svg", { width: 28, height: 16, viewBox: "0 0 28 16", "aria-hidden": "true", class: "legend-swatch" },
      s("defs", {}, hatch(pid)), s("rect", { width: 28, height: 16, rx: 3, fill: `url(#${pid})`, class: "bar-hidden" })),
    " ", t("dashboard.chart.legend", { fewer: fewerThan(k), k: formatNumber(k) }));
}
