/**
 * node build/bench/profile.js FILE.cpuprofile [TOP]: where a V8 CPU profile (from
 * `--profile DIR`) spent its time: the functions with the most self time, and the same by
 * source file. Enough to see what limits the server without a browser.
 */
import {readFileSync} from 'node:fs';

interface Node {
  id: number;
  callFrame: {functionName: string; url: string; lineNumber: number};
  hitCount?: number;
  children?: number[];
}

interface Profile {
  nodes: Node[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

export function summarizeProfile(profile: Profile, top = 25): string {
  // Self time per node from the samples and their time deltas (µs).
  const self = new Map<number, number>();
  const {samples = [], timeDeltas = []} = profile;
  for (let i = 0; i < samples.length; i++) {
    const id = samples[i] as number;
    self.set(id, (self.get(id) ?? 0) + (timeDeltas[i + 1] ?? timeDeltas[i] ?? 0));
  }
  const total = [...self.values()].reduce((a, b) => a + b, 0) || 1;
  const byFunction = new Map<string, number>();
  const byFile = new Map<string, number>();
  for (const node of profile.nodes) {
    const us = self.get(node.id) ?? 0;
    if (!us) continue;
    const {functionName, url, lineNumber} = node.callFrame;
    const file = url.replace(/^file:\/\/.*?\/(build|node_modules)\//, '$1/') || '(native/VM)';
    const fn = `${functionName || '(anonymous)'}  ${file}${url ? `:${lineNumber + 1}` : ''}`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + us);
    byFile.set(file, (byFile.get(file) ?? 0) + us);
  }
  const list = (map: Map<string, number>, n: number) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([name, us]) => `${((us / total) * 100).toFixed(1).padStart(5)} %  ${(us / 1000).toFixed(0).padStart(7)} ms  ${name}`)
      .join('\n');
  const wall = ((profile.endTime - profile.startTime) / 1e6).toFixed(1);
  return `profile: ${wall} s wall, ${(total / 1e6).toFixed(1)} s sampled\n\nself time by function:\n${list(byFunction, top)}\n\nself time by file:\n${list(byFile, 12)}`;
}

const file = process.argv[2];
if (file && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  process.stdout.write(`${summarizeProfile(JSON.parse(readFileSync(file, 'utf8')) as Profile, Number(process.argv[3] ?? 25))}\n`);
}
