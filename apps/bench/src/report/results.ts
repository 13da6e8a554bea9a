/** The shape of bench/results/latest.json, also what the Markdown and SVG are rendered from. */
export type CellValue = number | string | null;

export interface ResultTable {
  title?: string;
  /** Column keys in order; `target` is implicit and comes first. */
  columns: Array<{ key: string; label: string }>;
  rows: Array<{ target: string; values: Record<string, CellValue> }>;
}

export interface ChartPoint {
  /** Delivered events per second (one event to one recipient). */
  x: number;
  p50: number;
  p99: number;
}

export interface ChartSeries {
  panel: string;
  target: string;
  points: ChartPoint[];
}

export interface ScenarioResult {
  id: number;
  name: string;
  description: string;
  tables: ResultTable[];
  notes: string[];
  /** Anything that makes a smoke run fail: could not run, lost or duplicated messages. */
  failures: string[];
  skipped: string[];
  series?: ChartSeries[];
  /** One-line figures per target for the summary at the top of the report. */
  headline?: Array<{ metric: string; target: string; value: CellValue }>;
  raw?: unknown;
}

export interface BenchReport {
  startedAt: string;
  finishedAt: string;
  mode: 'smoke' | 'full';
  command: string;
  machine: { cpus: number; memGiB: number; node: string; pinning: string; fdLimit: number };
  scenarios: ScenarioResult[];
}
