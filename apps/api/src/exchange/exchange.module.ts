import { Module } from '@nestjs/common';
import { SharedModule } from '../shared/shared.module.js';
import { ChangeExchangeStatusHandler } from './change-exchange-status.handler.js';
import { DeleteExchangeHandler } from './delete-exchange.handler.js';
import { ExchangeResolver } from './exchange.resolver.js';
import { LogExchangeHandler } from './log-exchange.handler.js';
import { UpdateExchangeHandler } from './update-exchange.handler.js';

/** Exchanges, their list and the home page widgets (latest exchanges, upcoming contacts). */
@Module({
  imports: [SharedModule],
  providers: [LogExchangeHandler, UpdateExchangeHandler, ChangeExchangeStatusHandler, DeleteExchangeHandler, ExchangeResolver],
})
export class ExchangeModule {}
