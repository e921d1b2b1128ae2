import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { EventCodec, EventStore } from '#event-store';
import type { ReadStore } from '#read-store';
import type { ProjectionGauges } from '#platform';
import { ProjectionRunner, type ProjectionLag, type ProjectionState } from '#projections';
import { CODEC, EVENT_STORE, READ_STORE } from '../infrastructure/tokens.js';

const silent = { log: () => undefined, warn: () => undefined, error: () => undefined };

/**
 * How far the projections are behind the log, for readiness and /metrics.
 * With the worker inline, the process's own runner answers (and tells which
 * loops are failing); with SUIVI_WORKER=off, a runner that is never started
 * reads the checkpoints the separate worker saved — the same computation as
 * `suivi projections status`.
 */
@Injectable()
export class ProjectionProbe implements ProjectionGauges, OnModuleDestroy {
  private passive: ProjectionRunner | null = null;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    @Inject(CODEC) private readonly codec: EventCodec,
    private readonly moduleRef: ModuleRef,
  ) {}

  /** `runner`: this process runs the projections; `checkpoints`: another process does. */
  get source(): 'runner' | 'checkpoints' {
    return this.inline() === null ? 'checkpoints' : 'runner';
  }

  lag(): Promise<ProjectionLag[]> {
    return this.runner().lag();
  }

  async parked(): Promise<Map<string, number>> {
    const counts = new Map<string, number>();
    for (const record of await this.runner().listParked()) counts.set(record.projection, (counts.get(record.projection) ?? 0) + 1);
    return counts;
  }

  /** Loops of this process waiting to retry after an infrastructure error; [] when the projections run elsewhere. */
  failing(): { readonly name: string; readonly state: ProjectionState; readonly error: string | null }[] {
    return (this.inline()?.status() ?? [])
      .filter((status) => status.state === 'failed')
      .map((status) => ({ name: status.name, state: status.state, error: status.error?.message ?? null }));
  }

  async onModuleDestroy(): Promise<void> {
    await this.passive?.stop();
  }

  private runner(): ProjectionRunner {
    const inline = this.inline();
    if (inline !== null) return inline;
    this.passive ??= new ProjectionRunner({ store: this.store, readStore: this.readStore, codec: this.codec, logger: silent });
    return this.passive;
  }

  private inline(): ProjectionRunner | null {
    try {
      return this.moduleRef.get(ProjectionRunner, { strict: false });
    } catch {
      return null;
    }
  }
}
