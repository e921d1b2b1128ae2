import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { SharedModule } from '../shared/shared.module.js';
import { DuplicatesResolver } from './duplicates.resolver.js';

/** Duplicate candidates over GraphQL; merging a pair is the third-party module's mutation. */
@Module({
  imports: [SharedModule, AuthModule],
  providers: [DuplicatesResolver],
})
export class DuplicatesModule {}
