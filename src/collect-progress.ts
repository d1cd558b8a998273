/** Progress a provider's collector reports while it works, shown on stderr when that is a terminal. */
import type { ProgressSink } from './provider.js';

/** Progress of a collection per phase and scope (region, subscription): `done` counts finished units of work out of `total`. */
export class Progress {
  constructor(
    private readonly sink: ProgressSink | undefined,
    private readonly scope: string,
  ) {}

  /** Starts a phase; returns the function that marks one unit done. */
  phase(name: string, total: number): () => void {
    let done = 0;
    this.emit(name, 0, total);
    return () => {
      done += 1;
      this.emit(name, done, total);
    };
  }

  private emit(phase: string, done: number, total: number): void {
    if (!this.sink) return;
    try {
      this.sink({ phase, scope: this.scope, done, total });
    } catch {
      // A failing progress display must not fail the audit.
    }
  }
}
