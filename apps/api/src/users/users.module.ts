import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { SharedModule } from '../shared/shared.module.js';
import { ChangeGroupPermissionsHandler } from './change-group-permissions.handler.js';
import { CreateGroupHandler } from './create-group.handler.js';
import { CreateUserHandler } from './create-user.handler.js';
import { ChangeGroupMembershipHandler } from './group-membership.handler.js';
import { IssueApiTokenHandler } from './issue-api-token.handler.js';
import { RevokeApiTokenHandler } from './revoke-api-token.handler.js';
import { SetUserScopeHandler } from './user-scope.handler.js';
import { ChangeUserStatusHandler } from './user-status.handler.js';
import { UsersResolver } from './users.resolver.js';

@Module({
  imports: [SharedModule, AuthModule],
  providers: [
    CreateUserHandler,
    CreateGroupHandler,
    ChangeGroupPermissionsHandler,
    ChangeGroupMembershipHandler,
    ChangeUserStatusHandler,
    IssueApiTokenHandler,
    RevokeApiTokenHandler,
    SetUserScopeHandler,
    UsersResolver,
  ],
})
export class UsersModule {}
