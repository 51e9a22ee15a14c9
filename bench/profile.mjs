// CPU profile of one measurement in the bench page (DevTools protocol `Profiler`), summarised
// as self time per function: where the milliseconds of a login go. Wasm functions carry their
// Rust names when the page loads the named build (scripts/bench.sh writes it to
// bench/dist/named/: wasm-bindgen --keep-debug, no wasm-opt).

/** Runs `expression` in the page under the sampling profiler; returns the summary. */
export async function profile(browser, expression, { intervalUs = 50 } = {}) {
  await browser.send('Profiler.enable');
  await browser.send('Profiler.setSamplingInterval', { interval: intervalUs });
  await browser.send('Profiler.start');
  const t0 = Date.now();
  const value = await browser.evaluate(expression);
  const wallMs = Date.now() - t0;
  const { profile: p } = await browser.send('Profiler.stop');
  await browser.send('Profiler.disable');
  return { value, wallMs, ...summarise(p) };
}

/** Self time (ms) per function name, from a `Profiler.Profile`. */
export function summarise(p) {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map();
  let total = 0;
  p.samples.forEach((id, i) => {
    const dt = (p.timeDeltas[i] || 0) / 1000;
    const f = byId.get(id)?.callFrame || {};
    const file = (f.url || '').split('/').pop().split('?')[0];
    const name = f.functionName || '(anonymous)';
    const key = name.startsWith('(') ? name : `${name}${file ? ` [${file}]` : ''}`;
    self.set(key, (self.get(key) || 0) + dt);
    total += dt;
  });
  const idle = self.get('(idle)') || 0;
  const top = [...self.entries()].filter(([k]) => k !== '(idle)').sort((a, b) => b[1] - a[1]);
  const wasm = top.filter(([k]) => k.includes('.wasm]') || k.startsWith('$') || /wasm-function/.test(k)).reduce((n, [, v]) => n + v, 0);
  return { totalMs: total, idleMs: idle, busyMs: total - idle, wasmMs: wasm, top: top.slice(0, Number(process.env.PROFILE_TOP || 12)) };
}

/** Markdown lines for a summary. */
export function report(title, s, fmt) {
  const lines = [`${title}: ${fmt(s.totalMs, 1)} ms sampled, ${fmt(s.busyMs, 1)} ms on the CPU (${fmt(s.wasmMs, 1)} ms in wasm), ${fmt(s.idleMs, 1)} ms waiting (network, server).`];
  for (const [k, v] of s.top) if (v >= 0.05) lines.push(`  - ${fmt(v, 2)} ms ${k}`);
  return lines;
}
