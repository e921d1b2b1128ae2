import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { SharedModule } from '../shared/shared.module.js';
import { ChangeExchangeStatusHandler } from './change-exchange-status.handler.js';
import { DeleteExchangeHandler } from './delete-exchange.handler.js';
import { ExchangeVisibility } from './exchange-visibility.js';
import { ExchangeResolver } from './exchange.resolver.js';
import { LogExchangeHandler } from './log-exchange.handler.js';
import { UpdateExchangeHandler } from './update-exchange.handler.js';

/** Exchanges, their list and the home page widgets (latest exchanges, upcoming contacts). */
@Module({
  imports: [SharedModule, AuthModule],
  providers: [
    LogExchangeHandler,
    UpdateExchangeHandler,
    ChangeExchangeStatusHandler,
    DeleteExchangeHandler,
    ExchangeResolver,
    ExchangeVisibility,
  ],
  // The timelines show exchanges: they apply the same visibility.
  exports: [ExchangeVisibility],
})
export class ExchangeModule {}
