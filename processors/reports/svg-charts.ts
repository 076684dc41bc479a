// Inline SVG charts for the HTML report: lines over time, a trend with its fitted line, horizontal bars.
// Self-contained markup (no scripts, no external assets); every piece of text is escaped.

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

export interface LineSeries {
  readonly name: string;
  readonly color: string;
  readonly values: readonly (number | null)[];
}

const fixed = (value: number) => (Math.round(value * 10) / 10).toString();

interface Frame {
  readonly width: number;
  readonly height: number;
  readonly left: number;
  readonly right: number;
  readonly top: number;
  readonly bottom: number;
}

const FRAME: Frame = { width: 640, height: 220, left: 48, right: 16, top: 28, bottom: 36 };

function open(title: string, frame: Frame, className: string): string {
  const t = escapeHtml(title);
  return (
    `<svg class="${className}" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${frame.width} ${frame.height}" ` +
    `width="${frame.width}" height="${frame.height}" role="img" aria-label="${t}"><title>${t}</title>` +
    `<text x="${frame.left}" y="16" class="chart-title">${t}</text>`
  );
}

/** y axis with a few gridlines, labels in the unit. */
function yAxis(frame: Frame, min: number, max: number, unit: string, toY: (v: number) => number): string {
  const ticks = 4;
  let out = '';
  for (let i = 0; i <= ticks; i++) {
    const value = min + ((max - min) * i) / ticks;
    const y = fixed(toY(value));
    out +=
      `<line x1="${frame.left}" x2="${frame.width - frame.right}" y1="${y}" y2="${y}" class="grid"/>` +
      `<text x="${frame.left - 6}" y="${y}" class="axis" text-anchor="end" dominant-baseline="middle">` +
      `${escapeHtml(fixed(value))}${escapeHtml(unit)}</text>`;
  }
  return out;
}

function bounds(values: readonly number[], fixedMin?: number, fixedMax?: number): [number, number] {
  let min = fixedMin ?? Math.min(...values);
  let max = fixedMax ?? Math.max(...values);
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [0, 1];
  if (max - min < 1e-9) {
    min -= 1;
    max += 1;
  }
  return [min, max];
}

/** Lines over evenly spaced points (days, hours); a null breaks the line. */
export function lineChart(options: {
  readonly title: string;
  readonly xLabels: readonly string[];
  readonly series: readonly LineSeries[];
  readonly unit: string;
  readonly yMin?: number;
  readonly yMax?: number;
}): string {
  const frame = FRAME;
  const n = options.xLabels.length;
  const all = options.series.flatMap((s) => s.values.filter((v): v is number => v !== null));
  const [min, max] = bounds(all, options.yMin, options.yMax);
  const plotW = frame.width - frame.left - frame.right;
  const plotH = frame.height - frame.top - frame.bottom;
  const toX = (i: number) => frame.left + (n <= 1 ? plotW / 2 : (plotW * i) / (n - 1));
  const toY = (v: number) => frame.top + plotH - ((v - min) / (max - min)) * plotH;
  let out = open(options.title, frame, 'chart line-chart') + yAxis(frame, min, max, options.unit, toY);
  const every = Math.max(1, Math.ceil(n / 8));
  options.xLabels.forEach((label, i) => {
    if (i % every !== 0) return;
    out +=
      `<text x="${fixed(toX(i))}" y="${frame.height - frame.bottom + 16}" class="axis" text-anchor="middle">` +
      `${escapeHtml(label)}</text>`;
  });
  options.series.forEach((series, index) => {
    let path = '';
    let pen = false;
    series.values.forEach((value, i) => {
      if (value === null) {
        pen = false;
        return;
      }
      path += `${pen ? 'L' : 'M'}${fixed(toX(i))},${fixed(toY(value))}`;
      pen = true;
    });
    const color = escapeHtml(series.color);
    if (path !== '') out += `<path d="${path}" fill="none" stroke="${color}" stroke-width="2"/>`;
    series.values.forEach((value, i) => {
      if (value !== null && n <= 48) {
        out += `<circle cx="${fixed(toX(i))}" cy="${fixed(toY(value))}" r="2.5" fill="${color}"/>`;
      }
    });
    const legendX = frame.width - frame.right - 150 * (options.series.length - index);
    out +=
      `<rect x="${legendX}" y="8" width="10" height="10" fill="${color}"/>` +
      `<text x="${legendX + 14}" y="17" class="axis">${escapeHtml(series.name)}</text>`;
  });
  return `${out}</svg>`;
}

/** Points (x in hours) and the least-squares line through them. */
export function trendChart(options: {
  readonly title: string;
  readonly points: readonly (readonly [number, number])[];
  readonly line: { readonly x0: number; readonly y0: number; readonly x1: number; readonly y1: number };
  readonly unit: string;
  readonly xUnit: string;
}): string {
  const frame = FRAME;
  const xs = options.points.map(([x]) => x);
  const ys = [...options.points.map(([, y]) => y), options.line.y0, options.line.y1];
  const [xMin, xMax] = bounds(xs);
  const [yLow, yHigh] = bounds(ys);
  const yMin = Math.min(0, yLow);
  const plotW = frame.width - frame.left - frame.right;
  const plotH = frame.height - frame.top - frame.bottom;
  const toX = (x: number) => frame.left + ((x - xMin) / (xMax - xMin)) * plotW;
  const toY = (v: number) => frame.top + plotH - ((v - yMin) / (yHigh - yMin)) * plotH;
  let out = open(options.title, frame, 'chart trend-chart') + yAxis(frame, yMin, yHigh, options.unit, toY);
  for (let i = 0; i <= 4; i++) {
    const x = xMin + ((xMax - xMin) * i) / 4;
    out +=
      `<text x="${fixed(toX(x))}" y="${frame.height - frame.bottom + 16}" class="axis" text-anchor="middle">` +
      `${escapeHtml(fixed(x))}${escapeHtml(options.xUnit)}</text>`;
  }
  for (const [x, y] of options.points) {
    out += `<circle cx="${fixed(toX(x))}" cy="${fixed(toY(y))}" r="1.8" class="point"/>`;
  }
  const { x0, y0, x1, y1 } = options.line;
  out += `<line x1="${fixed(toX(x0))}" y1="${fixed(toY(y0))}" x2="${fixed(toX(x1))}" y2="${fixed(toY(y1))}" class="fit"/>`;
  return `${out}</svg>`;
}

/** Horizontal bars, one per label, longest first as given. */
export function barChart(options: {
  readonly title: string;
  readonly bars: readonly { readonly label: string; readonly value: number }[];
}): string {
  const rowH = 22;
  const frame: Frame = {
    ...FRAME,
    left: 170,
    height: FRAME.top + Math.max(1, options.bars.length) * rowH + 8,
  };
  const max = Math.max(1, ...options.bars.map((b) => b.value));
  const plotW = frame.width - frame.left - frame.right - 40;
  let out = open(options.title, frame, 'chart bar-chart');
  options.bars.forEach((bar, i) => {
    const y = frame.top + i * rowH;
    const w = Math.max(1, (bar.value / max) * plotW);
    out +=
      `<text x="${frame.left - 6}" y="${y + rowH / 2}" class="axis" text-anchor="end" dominant-baseline="middle">` +
      `${escapeHtml(bar.label)}</text>` +
      `<rect x="${frame.left}" y="${y + 3}" width="${fixed(w)}" height="${rowH - 6}" class="bar"/>` +
      `<text x="${fixed(frame.left + w + 4)}" y="${y + rowH / 2}" class="axis" dominant-baseline="middle">` +
      `${bar.value}</text>`;
  });
  if (options.bars.length === 0) {
    out += `<text x="${frame.left}" y="${frame.top + 14}" class="axis">none</text>`;
  }
  return `${out}</svg>`;
}
