/**
 * Runs `tick` at once on start, then `everyMs` after each tick ends; never two
 * ticks at once in this process, whether scheduled or asked for by hand. A
 * failed tick goes to `onFailure` and the next one runs on time. The timer
 * does not keep the process alive.
 */
export class Ticker<Report> {
  private running: Promise<Report> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private halted = false;

  constructor(
    private readonly options: {
      readonly everyMs: number;
      readonly tick: () => Promise<Report>;
      readonly onFailure: (error: unknown) => void;
    },
  ) {}

  /** Set by `stop`: a long tick checks it to end early. */
  get stopping(): boolean {
    return this.halted;
  }

  start(): void {
    this.halted = false;
    this.schedule(0);
  }

  /** Cancels the next tick and waits for the one in progress. */
  async stop(): Promise<void> {
    this.halted = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    await this.running?.catch(() => undefined);
  }

  /** One tick now, after any in progress. */
  async runOnce(): Promise<Report> {
    while (this.running !== null) await this.running.catch(() => undefined);
    const run = this.options.tick().finally(() => {
      if (this.running === run) this.running = null;
    });
    this.running = run;
    return run;
  }

  private schedule(delayMs: number): void {
    if (this.halted) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.runOnce()
        .catch(this.options.onFailure)
        .finally(() => this.schedule(this.options.everyMs));
    }, delayMs);
    this.timer.unref();
  }
}
