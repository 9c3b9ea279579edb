/**
 * The evaluation report a person reads: report.md and index.html with one table per task
 * (methods side by side), ROC curves and Recall@K curves as SVG, and results.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SemblanceError } from '../util/errors.js';
import { recallAt, rocCurve } from './metrics.js';
import type { EvalResult, Summary } from './run.js';
import { escapeXml, lineChart } from './svg.js';

export interface ReportMeta {
  readonly corpus: string;
  readonly variants: number;
  readonly failedVariants: number;
  readonly seed: number;
  readonly minBlocks: number;
  readonly pool: number;
  readonly bigPool: number;
}

export interface Table {
  readonly header: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

const num = (x: number | null, digits = 3) => (x === null ? '–' : x.toFixed(digits));

/** One row per method for the results of one task. */
export function taskTable(results: readonly Summary[]): Table {
  if (results[0]?.kind === 'binary') {
    return {
      header: ['method', 'binaries', 'queries', 'Precision@1', 'MRR@10', 'analyse s', 'score s'],
      rows: results.map((s) => s.kind === 'binary'
        ? [s.method, String(s.binaries), String(s.queries), num(s.precision1), num(s.mrr10), s.timings.analyseSeconds.toFixed(2), s.timings.scoreSeconds.toFixed(2)]
        : []),
    };
  }
  return {
    header: ['method', 'queries', 'pool', 'Recall@1', 'MRR@10', 'AUC', 'Recall@1 (10k)', 'analyse s', 'score s'],
    rows: results.map((s) => s.kind === 'ranking'
      ? [s.method, String(s.queries), s.queries === 0 ? '–' : s.pool.min === s.pool.size ? String(s.pool.size) : `≤ ${s.pool.size} (min ${s.pool.min}, mean ${s.pool.mean.toFixed(1)})`,
        num(s.recall1), num(s.mrr10), num(s.auc), s.recall1At10k === null ? 'skipped' : num(s.recall1At10k),
        s.timings.analyseSeconds.toFixed(2), s.timings.scoreSeconds.toFixed(2)]
      : []),
  };
}

/** Results grouped by task, in the order first seen. */
export function byTask(results: readonly EvalResult[]): Map<string, EvalResult[]> {
  const out = new Map<string, EvalResult[]>();
  for (const r of results) out.set(r.summary.task, [...(out.get(r.summary.task) ?? []), r]);
  return out;
}

const slug = (task: string) => task.replace(/[^A-Za-z0-9-]/g, '_');
const RECALL_K = 20;

function rocSvg(task: string, rs: readonly EvalResult[]): string {
  return lineChart({
    title: `ROC, ${task} (balanced pairs)`, xLabel: 'false positive rate', yLabel: 'true positive rate',
    xMin: 0, xMax: 1, xTicks: [0, 0.2, 0.4, 0.6, 0.8, 1], reference: [[0, 0], [1, 1]],
    series: rs.map((r) => ({
      label: `${r.summary.method} (${r.summary.kind === 'ranking' ? num(r.summary.auc) : ''})`,
      points: rocCurve(r.detail.positive, r.detail.negative).map((p) => [p.fpr, p.tpr] as const),
    })),
  });
}

function recallSvg(task: string, rs: readonly EvalResult[], pool: number): string {
  const ks = Array.from({ length: RECALL_K }, (_, i) => i + 1);
  return lineChart({
    title: `Recall@K, ${task} (pool of ${pool})`, xLabel: 'K', yLabel: 'Recall@K',
    xMin: 1, xMax: RECALL_K, xTicks: [1, 5, 10, 15, 20], markers: true,
    series: rs.map((r) => ({ label: r.summary.method, points: r.detail.ranks.length ? ks.map((k) => [k, recallAt(r.detail.ranks, k)] as const) : [] })),
  });
}

function notes(rs: readonly EvalResult[]): string[] {
  const s = rs[0]!.summary;
  const out: string[] = [];
  if (s.kind === 'ranking' && s.recall1At10kSkipped) out.push(`Recall@1 with a pool of 10,000 skipped: ${s.recall1At10kSkipped}.`);
  if (s.kind === 'ranking' && s.queries > 0 && s.pool.min < s.pool.size) out.push(`Some queries have fewer than ${s.pool.size} negatives (fewest ${s.pool.min}): the corpus is small.`);
  if (s.kind === 'binary' && s.skipped) out.push(`Nothing measured: ${s.skipped}.`);
  if (s.queries === 0 && s.kind === 'ranking') out.push('No queries: the corpus has no pair of variants that this task allows.');
  return out;
}

export function writeReport(dir: string, results: readonly EvalResult[], meta: ReportMeta, describe: ReadonlyMap<string, string>): string[] {
  const io = (what: string, act: () => void) => {
    try { act(); } catch (e) { throw new SemblanceError('io', `${what}: ${(e as Error).message.split('\n')[0]}`); }
  };
  io(dir, () => mkdirSync(dir, { recursive: true }));
  const written: string[] = [];
  const write = (name: string, text: string) => { io(join(dir, name), () => writeFileSync(join(dir, name), text)); written.push(join(dir, name)); };
  const first = results[0]?.summary;
  const counts = first?.functions;
  const intro = [
    `Corpus \`${meta.corpus}\`: ${meta.variants} variants analysed${meta.failedVariants ? ` (${meta.failedVariants} failed to build and are left out)` : ''}.`,
    counts ? `${counts.eligible} of ${counts.groundTruth} ground-truth functions have at least ${meta.minBlocks} basic blocks; ${counts.seeded} of them were found only through start-address hints, ${counts.missing} not at all (left out).` : '',
    `Seed ${meta.seed}. Ranking tasks: each query has its true match plus up to ${meta.pool} negatives (functions with another identity) from variants the task allows; ` +
      'ties are pessimistic (a negative scoring the same as the true match ranks ahead of it); MRR@10 counts 0 beyond rank 10. ' +
      'AUC is over balanced pairs (one true and one false pair per query), ties counted as half. ' +
      `Recall@1 (10k) ranks against ${meta.bigPool.toLocaleString('en')} negatives when every query has that many. ` +
      'Whole-binary tasks (Oa-Ob): each function of a binary at Oa ranked against every function of the same binary at Ob (Precision@1).',
  ].filter(Boolean);
  const md: string[] = ['# Semblance evaluation', '', ...intro.flatMap((p) => [p, ''])];
  const html: string[] = [
    '<!doctype html>', '<html lang="en"><head><meta charset="utf-8"><title>Semblance evaluation</title>',
    '<style>body{font-family:sans-serif;max-width:1040px;margin:2em auto;padding:0 1em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}td:first-child,th:first-child{text-align:left}img{margin:8px}</style>',
    '</head><body>', '<h1>Semblance evaluation</h1>', ...intro.map((p) => `<p>${escapeXml(p.replace(/`/g, ''))}</p>`),
  ];
  for (const [task, rs] of byTask(results)) {
    const t = taskTable(rs.map((r) => r.summary));
    const heading = `${task}: ${describe.get(task) ?? ''}`;
    md.push(`## ${heading}`, '', `| ${t.header.join(' | ')} |`, `|${t.header.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`, ...t.rows.map((r) => `| ${r.join(' | ')} |`), '');
    html.push(`<h2>${escapeXml(heading)}</h2>`, '<table>', `<tr>${t.header.map((h) => `<th>${escapeXml(h)}</th>`).join('')}</tr>`,
      ...t.rows.map((r) => `<tr>${r.map((c) => `<td>${escapeXml(c)}</td>`).join('')}</tr>`), '</table>');
    for (const n of notes(rs)) { md.push(n, ''); html.push(`<p>${escapeXml(n)}</p>`); }
    if (rs[0]!.summary.kind === 'ranking' && rs[0]!.summary.queries > 0) {
      const roc = `roc-${slug(task)}.svg`, rk = `recall-at-k-${slug(task)}.svg`;
      write(roc, rocSvg(task, rs));
      write(rk, recallSvg(task, rs, meta.pool));
      md.push(`![ROC ${task}](${roc}) ![Recall@K ${task}](${rk})`, '');
      html.push(`<p><img src="${roc}" alt="ROC ${escapeXml(task)}"><img src="${rk}" alt="Recall@K ${escapeXml(task)}"></p>`);
    }
  }
  html.push('</body></html>');
  write('report.md', md.join('\n'));
  write('index.html', html.join('\n') + '\n');
  write('results.json', JSON.stringify(results.map((r) => r.summary), null, 2) + '\n');
  return written;
}
