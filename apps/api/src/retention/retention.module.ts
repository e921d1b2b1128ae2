import { Module } from '@nestjs/common';
import { RetentionModule } from '../../../worker/src/retention/retention.module.js';
import { AuthModule } from '../auth/auth.module.js';
import { SharedModule } from '../shared/shared.module.js';
import { RetentionResolver } from './retention.resolver.js';

/**
 * The retention queue over GraphQL. Its policies are read at start here too,
 * so an API process refuses to start on a wrong SUIVI_RETENTION_FILE even when
 * the automation runs in a separate worker.
 */
@Module({
  imports: [SharedModule, AuthModule, RetentionModule],
  providers: [RetentionResolver],
})
export class RetentionApiModule {}
