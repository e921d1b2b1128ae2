import { Module } from '@nestjs/common';
import { FollowUpsModule } from '../../../worker/src/follow-ups/follow-ups.module.js';
import { AuthModule } from '../auth/auth.module.js';
import { SharedModule } from '../shared/shared.module.js';
import { CommercialDocumentFollowUpsResolver, FollowUpResolver } from './follow-up.resolver.js';

/**
 * The reminder queue over GraphQL. The policies are read at start here too, so
 * an API process refuses to start on a wrong SUIVI_FOLLOW_UP_FILE even when the
 * automation runs in a separate worker.
 */
@Module({
  imports: [SharedModule, AuthModule, FollowUpsModule],
  providers: [FollowUpResolver, CommercialDocumentFollowUpsResolver],
})
export class FollowUpApiModule {}
