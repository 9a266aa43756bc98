#!/usr/bin/env node
// Summarises a V8 .cpuprofile (e.g. from `BENCH_CPU_PROFILE=… npm run bench -- --only exthost`): self time by
// function and by file, the top N of each, so a slow phase can be named with evidence.
//   node scripts/cpuprofile-summary.mjs <file.cpuprofile> [N]
import fs from 'node:fs';

const [file, n = '25'] = process.argv.slice(2);
if (!file) throw new Error('usage: node scripts/cpuprofile-summary.mjs <file.cpuprofile> [N]');
const profile = JSON.parse(fs.readFileSync(file, 'utf8'));
const byId = new Map(profile.nodes.map(node => [node.id, node]));
const dt = new Map();
for (let i = 0; i < profile.samples.length; i++) {
  dt.set(profile.samples[i], (dt.get(profile.samples[i]) ?? 0) + (profile.timeDeltas[i] ?? 0));
}
const byFunction = new Map();
const byFile = new Map();
let total = 0;
for (const [id, us] of dt) {
  const { callFrame } = byId.get(id);
  const fn = `${callFrame.functionName || '(anonymous)'} ${callFrame.url.split('/').slice(-2).join('/')}:${callFrame.lineNumber + 1}`;
  const where = callFrame.url ? callFrame.url.replace(/^.*\/(node_modules|dist|out)\//, '$1/') : `(${callFrame.functionName || 'native'})`;
  byFunction.set(fn, (byFunction.get(fn) ?? 0) + us);
  byFile.set(where, (byFile.get(where) ?? 0) + us);
  total += us;
}
const top = (map) => [...map].sort((a, b) => b[1] - a[1]).slice(0, Number(n));
console.log(`total sampled: ${(total / 1000).toFixed(0)} ms over ${((profile.endTime - profile.startTime) / 1000).toFixed(0)} ms wall`);
console.log('\nself time by file:');
for (const [k, us] of top(byFile)) console.log(`${(us / 1000).toFixed(0).padStart(8)} ms  ${(100 * us / total).toFixed(1).padStart(5)} %  ${k}`);
console.log('\nself time by function:');
for (const [k, us] of top(byFunction)) console.log(`${(us / 1000).toFixed(0).padStart(8)} ms  ${(100 * us / total).toFixed(1).padStart(5)} %  ${k}`);
