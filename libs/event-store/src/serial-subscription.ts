import type { AllSubscription, StoredEvent } from './event-store.port.js';

/**
 * The iterator plumbing every adapter's subscription shares: `next()` calls are
 * chained so that one pull finishes before the next starts (no two deliveries
 * overlap, even if a consumer does not await), and `return()` closes.
 */
export abstract class SerialSubscription implements AllSubscription {
  private chain: Promise<unknown> = Promise.resolve();

  /** Fetches the next event, or `{ done: true }` once closed. */
  protected abstract pull(): Promise<IteratorResult<StoredEvent>>;

  abstract close(): Promise<void>;

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<StoredEvent>> {
    const result = this.chain.then(() => this.pull());
    this.chain = result.catch(() => undefined);
    return result;
  }

  async return(): Promise<IteratorResult<StoredEvent>> {
    await this.close();
    return { done: true, value: undefined };
  }
}
