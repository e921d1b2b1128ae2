import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { ExchangeModule } from '../exchange/exchange.module.js';
import { SharedModule } from '../shared/shared.module.js';
import { ContactTimelineResolver, ThirdPartyTimelineResolver, TimelineResolver } from './timeline.resolver.js';

@Module({
  imports: [SharedModule, AuthModule, ExchangeModule],
  providers: [TimelineResolver, ThirdPartyTimelineResolver, ContactTimelineResolver],
})
export class TimelineModule {}
