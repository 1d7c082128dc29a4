// Prints the side-by-side table of scripts/bench-render.sh from DIR/java-<round>.json and
// DIR/chromium-<round>.json: per case, the median over rounds of each percentile, and the ratio
// Chromium / Java of the medians of p50. Each round's p50 is listed too, to show the spread.
// CPU/invoice is the CPU time (user + system) the renderer's processes used per invoice over the
// timed runs: the JVM (GC and JIT included) on one side, the browser and all its child processes on
// the other. It moves far less than wall time when other work shares the machine.
//
//   node table.js DIR [--markdown]
'use strict';
const fs = require('fs');
const path = require('path');

const dir = process.argv[2];
const markdown = process.argv.includes('--markdown');
const rounds = (prefix) => fs.readdirSync(dir)
  .filter((f) => f.startsWith(prefix + '-') && f.endsWith('.json'))
  .sort()
  .map((f) => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')));
const java = rounds('java');
const chromium = rounds('chromium');
const before = rounds('before'); // another commit's renderer, when scripts/bench-render.sh ran with BENCH_BEFORE_REF
const cases = JSON.parse(fs.readFileSync(path.join(dir, 'cases.json'), 'utf8'));

function median(values) {
  const v = values.filter((x) => typeof x === 'number').sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  const mid = Math.floor(v.length / 2);
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}
const fmt = (ms) => (Number.isNaN(ms) ? '—' : ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`);
const stat = (runs, id, key) => median(runs.map((r) => r.cases[id] && r.cases[id][key]));
const spread = (runs, id) => runs.map((r) => (r.cases[id] ? fmt(r.cases[id].p50) : '—')).join(', ');

const beforeHeader = before.length ? ['before p50', 'before CPU', 'before / Java (p50)'] : [];
const header = ['invoice', ...beforeHeader, 'Java p50', 'p90', 'p99', 'Chromium p50', 'p90', 'p99', 'Chromium / Java (p50)',
  'CPU/invoice Java', 'Chromium', 'ratio (CPU)', 'pages J/C'];
const rows = cases.map((c) => {
  const jp50 = stat(java, c.id, 'p50');
  const cp50 = stat(chromium, c.id, 'p50');
  const jPages = java.find((r) => r.cases[c.id]);
  const cPages = chromium.find((r) => r.cases[c.id]);
  const bp50 = stat(before, c.id, 'p50');
  const beforeCells = before.length
    ? [fmt(bp50), fmt(stat(before, c.id, 'cpu')), Number.isNaN(bp50 / jp50) ? '—' : `${(bp50 / jp50).toFixed(1)}×`]
    : [];
  return [c.name, ...beforeCells, fmt(jp50), fmt(stat(java, c.id, 'p90')), fmt(stat(java, c.id, 'p99')),
    fmt(cp50), fmt(stat(chromium, c.id, 'p90')), fmt(stat(chromium, c.id, 'p99')),
    Number.isNaN(jp50 / cp50) ? '—' : `${(cp50 / jp50).toFixed(1)}×`,
    fmt(stat(java, c.id, 'cpu')), fmt(stat(chromium, c.id, 'cpu')),
    Number.isNaN(stat(java, c.id, 'cpu') / stat(chromium, c.id, 'cpu')) ? '—'
      : `${(stat(chromium, c.id, 'cpu') / stat(java, c.id, 'cpu')).toFixed(1)}×`,
    `${jPages ? jPages.cases[c.id].pages : '—'}/${cPages ? cPages.cases[c.id].pages : '—'}`];
});

console.log(`median of ${java.length} Java round(s)${before.length ? ` (and ${before.length} of the "before" renderer)` : ''}`
  + ` and ${chromium.length} Chromium round(s); ms per invoice`);
if (markdown) {
  console.log(`| ${header.join(' | ')} |`);
  console.log(`|${header.map(() => '---').join('|')}|`);
  rows.forEach((r) => console.log(`| ${r.join(' | ')} |`));
} else {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells) => cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ');
  console.log(line(header));
  rows.forEach((r) => console.log(line(r)));
}
console.log('p50 of each round:');
cases.forEach((c) => console.log(`  ${c.name}: ${before.length ? `before ${spread(before, c.id)}; ` : ''}`
  + `Java ${spread(java, c.id)}; Chromium ${spread(chromium, c.id)}`));
