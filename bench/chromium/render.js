// The browser half of the side-by-side invoice render benchmark (scripts/bench-render.sh runs it).
// What browser renderers such as Gotenberg or Cloudflare Browser Rendering do: one headless
// Chromium kept open and warm, and per invoice page.setContent(html) then page.pdf().
//
//   node render.js DIR [NAME]   reads DIR/cases.json and DIR/html/<id>.html (written by
//                               RenderSideBySide export), writes DIR/<NAME>.json (default "chromium")
//                               and the last PDF of each case to DIR/chromium-pdf/<id>.pdf
//
// CHROMIUM=/path/to/chromium overrides /usr/bin/chromium. Prints figures; never fails on time.
'use strict';
const fs = require('fs');
const path = require('path');
const puppeteer = require('puppeteer-core');

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run'];

// CPU seconds (user + system) of the browser: its main process and every descendant (renderer,
// GPU, utility processes), from /proc. Clock ticks are 10 ms, so it is read around a whole series.
function browserCpuMs(rootPid) {
  const children = new Map();
  const ticks = new Map();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^[0-9]+$/.test(entry)) continue;
    let stat;
    try {
      stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch (e) {
      continue; // gone meanwhile
    }
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ppid = Number(fields[1]);
    ticks.set(Number(entry), Number(fields[11]) + Number(fields[12]));
    if (!children.has(ppid)) children.set(ppid, []);
    children.get(ppid).push(Number(entry));
  }
  let total = 0;
  const stack = [rootPid];
  while (stack.length) {
    const pid = stack.pop();
    total += ticks.get(pid) || 0;
    stack.push(...(children.get(pid) || []));
  }
  return total * 10; // USER_HZ is 100 on Linux
}

function percentile(sorted, p) {
  const index = Math.ceil((p / 100) * sorted.length) - 1;
  return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
}

async function main() {
  const dir = process.argv[2];
  const name = process.argv[3] || 'chromium';
  if (!dir) {
    throw new Error('usage: node render.js DIR [NAME]');
  }
  const cases = JSON.parse(fs.readFileSync(path.join(dir, 'cases.json'), 'utf8'));
  const browser = await puppeteer.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ARGS,
  });
  const result = { renderer: 'chromium', version: await browser.version(), cases: {} };
  try {
    const page = await browser.newPage();
    page.setDefaultTimeout(0); // a 10,000-line invoice on a loaded machine takes its time
    fs.mkdirSync(path.join(dir, 'chromium-pdf'), { recursive: true });
    console.log(`chromium ${result.version}, puppeteer-core ${require('puppeteer-core/package.json').version}`);
    for (const c of cases) {
      const html = fs.readFileSync(path.join(dir, 'html', `${c.id}.html`), 'utf8');
      const renderOnce = async () => {
        await page.setContent(html, { waitUntil: 'load', timeout: 0 });
        // A4 and margins come from the invoice's own @page rule, as in the Java renderer
        return page.pdf({ preferCSSPageSize: true, printBackground: true, timeout: 0 });
      };
      for (let i = 0; i < c.warmups; i++) {
        await renderOnce();
      }
      const ms = [];
      let last;
      const cpuBefore = browserCpuMs(browser.process().pid);
      for (let i = 0; i < c.runs; i++) {
        const start = process.hrtime.bigint();
        last = await renderOnce();
        ms.push(Number(process.hrtime.bigint() - start) / 1e6);
      }
      const cpu = (browserCpuMs(browser.process().pid) - cpuBefore) / c.runs;
      ms.sort((a, b) => a - b);
      fs.writeFileSync(path.join(dir, 'chromium-pdf', `${c.id}.pdf`), last);
      const pages = (Buffer.from(last).toString('latin1').match(/\/Type\s*\/Page[^s]/g) || []).length;
      const entry = { name: c.name, runs: ms.length, p50: percentile(ms, 50), p90: percentile(ms, 90),
        p99: percentile(ms, 99), cpu, pages, bytes: last.length };
      result.cases[c.id] = entry;
      console.log(`chromium ${c.name.padEnd(18)} runs ${String(ms.length).padStart(4)}  p50 ${entry.p50.toFixed(1).padStart(8)} ms`
        + `  p90 ${entry.p90.toFixed(1).padStart(8)} ms  p99 ${entry.p99.toFixed(1).padStart(8)} ms  cpu ${cpu.toFixed(1).padStart(8)} ms`
        + `  ${String(pages).padStart(4)} pages ${(entry.bytes / 1024).toFixed(1).padStart(8)} KiB`);
    }
  } finally {
    await browser.close();
  }
  fs.writeFileSync(path.join(dir, `${name}.json`), JSON.stringify(result) + '\n');
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
