import { Module } from '@nestjs/common';
import { SharedModule } from '../shared/shared.module.js';
import { ContactTimelineResolver, ThirdPartyTimelineResolver, TimelineResolver } from './timeline.resolver.js';

@Module({ imports: [SharedModule], providers: [TimelineResolver, ThirdPartyTimelineResolver, ContactTimelineResolver] })
export class TimelineModule {}
