/**
 * Progress for long work: on a terminal, one bar redrawn in place
 *   [█████████░░░░░░░░░░░]  450/1000  loss 1.873  ppl 6.51  2.1k chars/s  ETA 0:42
 * and otherwise (a pipe, a CI log) a plain line every `every` steps and at the end.
 */

export interface ProgressOptions {
  total: number;
  /** Where to write (stderr by default, so stdout stays clean for --json). */
  stream?: NodeJS.WriteStream;
  /** Plain lines: one every this many steps (default total/20). */
  every?: number;
  /** Force plain lines even on a terminal. */
  plain?: boolean;
  label?: string;
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '--:--';
  const s = Math.round(seconds), h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${String(r).padStart(2, '0')}` : `${m}:${String(r).padStart(2, '0')}`;
}

export function formatRate(perSecond: number): string {
  if (perSecond >= 1e6) return `${(perSecond / 1e6).toFixed(1)}M`;
  if (perSecond >= 1e3) return `${(perSecond / 1e3).toFixed(1)}k`;
  return perSecond.toFixed(0);
}

export class Progress {
  readonly total: number;
  private readonly stream: NodeJS.WriteStream;
  private readonly tty: boolean;
  private readonly every: number;
  private readonly start = Date.now();
  private lastDraw = 0;
  private drawn = false;
  private readonly label: string;

  constructor(options: ProgressOptions) {
    this.total = Math.max(1, options.total);
    this.stream = options.stream ?? process.stderr;
    this.tty = !options.plain && Boolean(this.stream.isTTY);
    this.every = Math.max(1, options.every ?? Math.ceil(this.total / 20));
    this.label = options.label ? `${options.label} ` : '';
  }

  /** Elapsed seconds since the start. */
  get elapsed(): number {
    return (Date.now() - this.start) / 1000;
  }

  /** Reports step `done` (1-based) with extra `fields` such as "loss 1.87". */
  update(done: number, fields: string): void {
    const elapsed = this.elapsed;
    const eta = done > 0 ? (elapsed / done) * (this.total - done) : NaN;
    if (this.tty) {
      const now = Date.now();
      if (now - this.lastDraw < 100 && done < this.total) return;
      this.lastDraw = now;
      const width = 24, filled = Math.round((width * done) / this.total);
      const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
      const cols = this.stream.columns ?? 120;
      const line = `${this.label}[${bar}] ${done}/${this.total}  ${fields}  ETA ${formatDuration(eta)}`;
      this.stream.write(`\r\x1b[2K${line.slice(0, cols - 1)}`);
      this.drawn = true;
    } else if (done % this.every === 0 || done === this.total) {
      this.stream.write(`${this.label}step ${done}/${this.total}  ${fields}  elapsed ${formatDuration(elapsed)}  ETA ${formatDuration(eta)}\n`);
    }
  }

  /** Prints a full line above the bar (a sample, a validation result). */
  log(line: string): void {
    if (this.tty && this.drawn) this.stream.write('\r\x1b[2K');
    this.stream.write(line + '\n');
    this.lastDraw = 0;
  }

  /** Ends the bar's line. */
  done(): void {
    if (this.tty && this.drawn) this.stream.write('\n');
    this.drawn = false;
  }
}
