// A small line chart drawn on a <canvas>: the last `capacity` samples of two series, the first
// scaled to the left axis, the second to the right one. Own code, no library: the page's CSP
// loads scripts from this origin only, and the page must work offline. Colours come from the
// canvas's CSS custom properties (--series-0, --series-1, --chart-grid, --chart-text).
const PAD = { left: 44, right: 44, top: 10, bottom: 8 };

function niceCeil(v) {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

function formatNumber(v) {
  return v >= 10000 ? `${Math.round(v / 1000)}k` : String(Math.round(v * 10) / 10);
}

export class LineChart {
  constructor(canvas, { capacity = 120, seriesCount = 2 } = {}) {
    this.canvas = canvas;
    this.capacity = capacity;
    this.series = Array.from({ length: seriesCount }, () => []);
  }

  // One sample per series; null leaves a gap (e.g. the rate right after a server restart).
  push(values) {
    values.forEach((v, i) => {
      const s = this.series[i];
      s.push(v);
      if (s.length > this.capacity) s.shift();
    });
    this.canvas.dataset.points = String(this.series[0].length);
    this.draw();
  }

  resize() {
    const dpr = window.devicePixelRatio || 1;
    const w = Math.max(1, Math.round(this.canvas.clientWidth * dpr));
    const h = Math.max(1, Math.round(this.canvas.clientHeight * dpr));
    if (this.canvas.width !== w || this.canvas.height !== h) {
      this.canvas.width = w;
      this.canvas.height = h;
    }
    return dpr;
  }

  draw() {
    const dpr = this.resize();
    const ctx = this.canvas.getContext('2d');
    const css = getComputedStyle(this.canvas);
    const color = (name, fallback) => css.getPropertyValue(name).trim() || fallback;
    const w = this.canvas.width / dpr;
    const h = this.canvas.height / dpr;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, w, h);
    const box = { x: PAD.left, y: PAD.top, w: w - PAD.left - PAD.right, h: h - PAD.top - PAD.bottom };
    this.drawGrid(ctx, box, color('--chart-grid', '#ccc'));
    ctx.font = '11px system-ui, sans-serif';
    ctx.fillStyle = color('--chart-text', '#555');
    this.series.forEach((values, i) => {
      const max = niceCeil(Math.max(0, ...values.filter((v) => v != null)));
      this.drawAxisLabels(ctx, box, max, i === 0 ? 'left' : 'right');
      this.drawLine(ctx, box, values, max, color(`--series-${i}`, i ? '#d2691e' : '#1f6feb'));
    });
  }

  drawGrid(ctx, box, stroke) {
    ctx.strokeStyle = stroke;
    ctx.lineWidth = 1;
    ctx.beginPath();
    for (let k = 0; k <= 4; k += 1) {
      const y = Math.round(box.y + (box.h * k) / 4) + 0.5;
      ctx.moveTo(box.x, y);
      ctx.lineTo(box.x + box.w, y);
    }
    ctx.stroke();
  }

  drawAxisLabels(ctx, box, max, side) {
    ctx.textAlign = side === 'left' ? 'right' : 'left';
    const x = side === 'left' ? box.x - 6 : box.x + box.w + 6;
    ctx.textBaseline = 'top';
    ctx.fillText(formatNumber(max), x, box.y);
    ctx.textBaseline = 'bottom';
    ctx.fillText('0', x, box.y + box.h);
  }

  drawLine(ctx, box, values, max, stroke) {
    const step = box.w / Math.max(1, this.capacity - 1);
    const x0 = box.x + box.w - (values.length - 1) * step; // newest sample at the right edge
    ctx.strokeStyle = stroke;
    ctx.lineWidth = 2;
    ctx.lineJoin = 'round';
    ctx.beginPath();
    let drawing = false;
    values.forEach((v, i) => {
      if (v == null) { drawing = false; return; }
      const x = x0 + i * step;
      const y = box.y + box.h - (Math.min(v, max) / max) * box.h;
      if (drawing) ctx.lineTo(x, y); else ctx.moveTo(x, y);
      drawing = true;
    });
    ctx.stroke();
  }
}
