/** One line of the benchmark table: a measured figure beside its goal and a baseline taken in the same run. */
export interface Figure {
  /** Which scenario produced it (`startup`, `rate-limit`, …). */
  readonly scenario: string;
  readonly figure: string;
  /** The goal in words, e.g. "≤ baseline + 150 ms" or "≥ 97 % of the limit". */
  readonly goal: string;
  /** What the figure is compared with, and its value, e.g. "node -e 0: 42 ms". */
  readonly baseline: string;
  readonly measured: string;
  /** measured ÷ baseline, in the direction the goal reads (higher is better unless the goal says ≤). */
  readonly ratio: number;
  readonly pass: boolean;
  /** Anything a reader needs to interpret the figure (rejections, sample size). */
  readonly note?: string;
}

/** A scenario: runnable alone (`npm run bench -- <name>`) and as part of the whole table. */
export interface Scenario {
  readonly name: string;
  readonly description: string;
  run(options: ScenarioOptions): Promise<Figure[]>;
}

export interface ScenarioOptions {
  /** Smaller sizes so the whole table runs in CI in under two minutes; figures are still ratios. */
  readonly quick: boolean;
}

export const ms = (value: number): string => `${value.toFixed(0)} ms`;
export const perSecond = (value: number): string => `${Math.round(value).toLocaleString('en-US')}/s`;
export const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
export const percent = (ratio: number): string => `${(ratio * 100).toFixed(0)} %`;
