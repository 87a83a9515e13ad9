/** Small helpers shared by the benches: percentiles, formatting, docs/benchmarks.md sections. */
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';

/** The q-quantile by the nearest-rank method (as the detector bench computes it). */
export const quantile = (xs: readonly number[], q: number): number => {
  if (xs.length === 0) throw new Error('quantile of nothing');
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]!;
};

/** Milliseconds with one decimal below 10 ms, whole above. */
export const ms = (x: number): string => `${x < 10 ? x.toFixed(1) : x.toFixed(0)} ms`;
export const medianP95 = (xs: readonly number[]): string => `${ms(quantile(xs, 0.5))} / ${ms(quantile(xs, 0.95))}`;

export const machineFacts = () => ({
  node: process.version,
  nproc: availableParallelism(),
  cpu: cpus()[0]?.model ?? 'unknown',
  memory: `${(totalmem() / 2 ** 30).toFixed(1)} GiB`,
  platform: `${process.platform} ${process.arch}`,
  load1: loadavg()[0]!,
});

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * A markdown file as its preamble (title) and its `## ` sections, in order; each
 * section keeps its heading line and everything up to the next `## ` heading.
 */
const splitSections = (md: string): { preamble: string; sections: { heading: string; text: string }[] } => {
  const parts = md.split(/^(?=## )/m);
  const preamble = parts[0]!.startsWith('## ') ? '' : parts.shift()!;
  return { preamble, sections: parts.map((text) => ({ heading: text.split('\n', 1)[0]!.trim(), text })) };
};
const joinSections = (preamble: string, texts: string[]) =>
  [preamble, ...texts].map((t) => t.replace(/\n+$/, '\n')).join('\n').replace(/^\n+/, '');

/** Replaces the section whose heading starts with `headingPrefix` (or appends it), keeping the rest. */
export const replaceSection = (md: string, headingPrefix: string, section: string): string => {
  const { preamble, sections } = splitSections(md || '# Benchmarks\n');
  const i = sections.findIndex((s) => s.heading.startsWith(headingPrefix));
  const texts = sections.map((s) => s.text);
  if (i >= 0) texts[i] = section;
  else texts.push(section);
  return joinSections(preamble, texts);
};

/** `after`, plus every section of `before` that `after` lost (e.g. when a bench rewrote the whole file). */
export const keepLostSections = (before: string, after: string): string => {
  const b = splitSections(before);
  const a = splitSections(after);
  const have = new Set(a.sections.map((s) => s.heading));
  const lost = b.sections.filter((s) => !have.has(s.heading));
  return lost.length ? joinSections(a.preamble, [...a.sections.map((s) => s.text), ...lost.map((s) => s.text)]) : after;
};
