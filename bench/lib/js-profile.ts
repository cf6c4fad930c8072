/**
 * Optional JS CPU profile of the page during one upload (`--cpu-profile`):
 * CDP Profiler, saved as .cpuprofile (open it in Chrome DevTools) with a
 * text summary of self time by function next to it.
 */
import { writeFileSync } from 'node:fs';
import type { CDPSession } from 'playwright-core';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

export async function startJsProfile(session: CDPSession, basePath: string): Promise<{ stop(): Promise<string> }> {
  await session.send('Profiler.enable');
  await session.send('Profiler.setSamplingInterval', { interval: 200 });
  await session.send('Profiler.start');
  return {
    async stop() {
      const { profile } = (await session.send('Profiler.stop')) as { profile: CpuProfile };
      writeFileSync(`${basePath}.cpuprofile`, JSON.stringify(profile));
      const byNode = new Map<number, number>();
      const samples = profile.samples ?? [];
      const deltas = profile.timeDeltas ?? [];
      for (let i = 0; i < samples.length; i++) {
        const node = samples[i] as number;
        byNode.set(node, (byNode.get(node) ?? 0) + (deltas[i + 1] ?? 0));
      }
      const byFunction = new Map<string, number>();
      for (const node of profile.nodes) {
        const { functionName, url, lineNumber } = node.callFrame;
        const file = url.split('/').pop() ?? '';
        const key = `${functionName || '(anonymous)'} ${file ? `${file}:${lineNumber + 1}` : ''}`.trim();
        byFunction.set(key, (byFunction.get(key) ?? 0) + (byNode.get(node.id) ?? 0));
      }
      const total = profile.endTime - profile.startTime;
      const lines = [...byFunction.entries()]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 40)
        .map(([key, us]) => `${(us / 1000).toFixed(1).padStart(9)} ms ${((us / total) * 100).toFixed(1).padStart(5)} %  ${key}`);
      const summary = `${basePath}.cpuprofile.txt`;
      writeFileSync(summary, `# JS self time by function, ${(total / 1000).toFixed(0)} ms profiled\n${lines.join('\n')}\n`);
      return summary;
    },
  };
}
