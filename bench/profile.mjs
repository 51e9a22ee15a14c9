// CPU profile of one measurement in the bench page (DevTools protocol `Profiler`), summarised
// as self time per function: where the milliseconds of a login go. Wasm functions carry their
// Rust names when the page loads the named build (scripts/bench.sh writes it to
// bench/dist/named/: wasm-bindgen --keep-debug, no wasm-opt).

/**
 * Runs `expression` (a promise) in the page under the sampling profiler, bracketed in the page by
 * `console.profile()` / `console.profileEnd()` so that only the measured work is sampled (not the
 * DevTools round trips around it); returns the summary.
 */
export async function profile(browser, expression, { intervalUs = 50 } = {}) {
  await browser.send('Profiler.enable');
  await browser.send('Profiler.setSamplingInterval', { interval: intervalUs });
  let finished;
  const got = new Promise((r) => { finished = r; });
  const off = browser.on((m) => { if (m.method === 'Profiler.consoleProfileFinished' && m.params.title === 'measured') finished(m.params.profile); });
  const value = await browser.evaluate(`(async () => {
    console.profile('measured');
    try { return await (${expression}); } finally { console.profileEnd('measured'); }
  })()`);
  const p = await Promise.race([got, new Promise((r) => setTimeout(() => r(null), 5000))]);
  off();
  await browser.send('Profiler.disable');
  if (!p) return { value, totalMs: 0, idleMs: 0, busyMs: 0, wasmMs: 0, top: [], all: [] };
  return { value, ...summarise(p) };
}

/** Self time (ms) per function name, from a `Profiler.Profile`. */
export function summarise(p) {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of p.nodes) for (const c of n.children || []) parent.set(c, n.id);
  const keyOf = (f = {}) => {
    const file = (f.url || '').split('/').pop().split('?')[0];
    const name = f.functionName || '(anonymous)';
    return name.startsWith('(') ? name : `${name}${file ? ` [${file}]` : ''}`;
  };
  const self = new Map();
  const inclusive = new Map();
  let total = 0;
  p.samples.forEach((id, i) => {
    // The first delta holds the profiler's own start-up and the last sample its stop: left out.
    if (i === 0 || i === p.samples.length - 1) return;
    const dt = (p.timeDeltas[i] || 0) / 1000;
    const key = keyOf(byId.get(id)?.callFrame);
    self.set(key, (self.get(key) || 0) + dt);
    // time with callees: each function once per sample, however deep it recurses
    const seen = new Set();
    for (let n = id; n !== undefined; n = parent.get(n)) seen.add(keyOf(byId.get(n)?.callFrame));
    for (const k of seen) inclusive.set(k, (inclusive.get(k) || 0) + dt);
    total += dt;
  });
  const idle = self.get('(idle)') || 0;
  const top = [...self.entries()].filter(([k]) => k !== '(idle)').sort((a, b) => b[1] - a[1]);
  const wasm = top.filter(([k]) => k.includes('.wasm]') || k.startsWith('$') || /wasm-function/.test(k)).reduce((n, [, v]) => n + v, 0);
  return { totalMs: total, idleMs: idle, busyMs: total - idle, wasmMs: wasm, top: top.slice(0, Number(process.env.PROFILE_TOP || 12)), all: top, inclusive };
}

/** The mean of several summaries (per function: the mean self time over all of them). */
export function mean(runs) {
  const n = runs.length || 1;
  const avg = (k) => runs.reduce((a, r) => a + r[k], 0) / n;
  const self = new Map();
  for (const r of runs) for (const [k, v] of r.all || []) self.set(k, (self.get(k) || 0) + v / n);
  const top = [...self.entries()].sort((a, b) => b[1] - a[1]);
  return { totalMs: avg('totalMs'), idleMs: avg('idleMs'), busyMs: avg('busyMs'), wasmMs: avg('wasmMs'), top: top.slice(0, Number(process.env.PROFILE_TOP || 12)) };
}

/** Markdown lines for a summary. */
export function report(title, s, fmt) {
  const lines = [`${title}: ${fmt(s.totalMs, 1)} ms sampled, ${fmt(s.busyMs, 1)} ms on the CPU (${fmt(s.wasmMs, 1)} ms in wasm), ${fmt(s.idleMs, 1)} ms waiting (network, server).`];
  for (const [k, v] of s.top) if (v >= 0.05) lines.push(`  - ${fmt(v, 2)} ms ${k}`);
  return lines;
}
