import { Controller, Get, HttpCode, HttpException, HttpStatus, Inject } from '@nestjs/common';
import type { EventStore } from '#event-store';
import type { ReadStore } from '#read-store';
import { EVENT_STORE, READ_STORE } from '../infrastructure/tokens.js';

/** Liveness and readiness for orchestrators (docker-compose, Kubernetes). */
@Controller('health')
export class HealthController {
  constructor(
    @Inject(EVENT_STORE) private readonly eventStore: EventStore,
    @Inject(READ_STORE) private readonly readStore: ReadStore,
  ) {}

  @Get('live')
  @HttpCode(200)
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** Ready when both stores answer. */
  @Get('ready')
  async ready(): Promise<{ status: 'ok'; head: string | null }> {
    try {
      const [head] = await Promise.all([this.eventStore.headPosition(), this.readStore.ping()]);
      return { status: 'ok', head: head === null ? null : head.toString() };
    } catch (error) {
      throw new HttpException(
        { status: 'unavailable', reason: error instanceof Error ? error.message : String(error) },
        HttpStatus.SERVICE_UNAVAILABLE,
      );
    }
  }
}
