import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { SharedModule } from '../shared/shared.module.js';
import { ArchiveThirdPartyHandler } from './archive-third-party.handler.js';
import { AssignThirdPartyOwnerHandler } from './assign-third-party-owner.handler.js';
import { CategoriseThirdPartyHandler } from './categorise-third-party.handler.js';
import { ConvertProspectHandler } from './convert-prospect.handler.js';
import { MergeThirdPartiesHandler, UnmergeThirdPartiesHandler } from './merge-third-parties.handler.js';
import { RegisterThirdPartyHandler } from './register-third-party.handler.js';
import { ThirdPartyResolver } from './third-party.resolver.js';
import { UpdateThirdPartyHandler } from './update-third-party.handler.js';

@Module({
  imports: [SharedModule, AuthModule],
  providers: [
    RegisterThirdPartyHandler,
    UpdateThirdPartyHandler,
    AssignThirdPartyOwnerHandler,
    CategoriseThirdPartyHandler,
    ArchiveThirdPartyHandler,
    ConvertProspectHandler,
    MergeThirdPartiesHandler,
    UnmergeThirdPartiesHandler,
    ThirdPartyResolver,
  ],
})
export class ThirdPartyModule {}
