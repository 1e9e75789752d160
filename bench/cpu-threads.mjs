// Where the machine's CPU time goes while something runs: every thread of every process, read from
// Linux's /proc (schedstat: nanoseconds on a CPU), grouped by process role and thread name. The
// preview bench uses it to show whether a second compute thread would find a free core in the panel.
import { readdirSync, readFileSync } from 'node:fs';

function read(path) {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined; // the thread or process ended between listing and reading
  }
}

/** What a process is, from its command line: Chromium's process types, code-server's parts, ours. */
function role(pid) {
  const argv = (read(`/proc/${pid}/cmdline`) ?? '').split('\0');
  const cmd = argv.join(' ');
  if (Number(pid) === process.pid) return 'this bench (node)';
  if (/chrom/i.test(argv[0] ?? '')) {
    const type = /--type=([\w-]+)/.exec(cmd)?.[1];
    const sub = /--utility-sub-type=([\w.]+)/.exec(cmd)?.[1];
    return `chromium ${type ?? 'browser'}${sub ? ` (${sub.split('.').pop()})` : ''}`;
  }
  if (cmd.includes('dist/server.js')) return 'ConvLens language server';
  if (cmd.includes('--type=extensionHost')) return 'VS Code extension host';
  if (cmd.includes('--type=')) return `VS Code ${/--type=([\w-]+)/.exec(cmd)[1]}`;
  if (cmd.includes('code-server')) return 'code-server';
  return argv[0]?.split('/').pop() || 'other';
}

/** CPU nanoseconds of every thread on the machine right now, keyed by pid/tid. */
export function cpuSnapshot() {
  const threads = new Map();
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    let tids;
    try {
      tids = readdirSync(`/proc/${pid}/task`);
    } catch {
      continue;
    }
    let who;
    for (const tid of tids) {
      const ns = read(`/proc/${pid}/task/${tid}/schedstat`);
      if (ns === undefined) continue;
      who ??= role(pid);
      const name = (read(`/proc/${pid}/task/${tid}/comm`) ?? '?').trim();
      threads.set(`${pid}/${tid}`, { ns: Number(ns.split(' ')[0]), group: `${who}: ${name}` });
    }
  }
  return threads;
}

/** CPU milliseconds per group between two snapshots (threads born in between count from zero). */
export function cpuBetween(before, after) {
  const byGroup = new Map();
  for (const [key, t] of after) {
    const ms = (t.ns - (before.get(key)?.ns ?? 0)) / 1e6;
    if (ms > 0) byGroup.set(t.group, (byGroup.get(t.group) ?? 0) + ms);
  }
  return byGroup;
}

/** Adds one interval's groups into a running total. */
export function addInto(total, groups) {
  for (const [g, ms] of groups) total.set(g, (total.get(g) ?? 0) + ms);
  return total;
}
