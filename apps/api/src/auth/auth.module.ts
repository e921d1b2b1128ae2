import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import type { EventCodec, EventStore, IdGenerator } from '#event-store';
import type { Clock, SuiviConfig } from '#platform';
import { GroupQueries, UserQueries } from '#projections';
import type { ReadStore } from '#read-store';
import { Authenticator, OidcAuthenticator, UserAdministration } from '#security';
import { CLOCK, CODEC, CONFIG, EVENT_STORE, IDS, READ_STORE } from '../infrastructure/tokens.js';
import { AccessGuard } from './access.guard.js';
import { AdminBootstrap } from './admin-bootstrap.service.js';
import { BearerAuthentication } from './bearer-authentication.js';
import { SecurityJournal } from './security-journal.js';

/**
 * Authentication: the bearer-token check on every request, the first-start
 * administrator, and the users' write side and read models it relies on.
 */
@Module({
  providers: [
    { provide: UserQueries, inject: [READ_STORE], useFactory: (readStore: ReadStore) => UserQueries.open(readStore) },
    { provide: GroupQueries, inject: [READ_STORE], useFactory: (readStore: ReadStore) => GroupQueries.open(readStore) },
    {
      provide: Authenticator,
      inject: [UserQueries, CONFIG, CLOCK],
      useFactory: (users: UserQueries, config: SuiviConfig, clock: Clock) =>
        new Authenticator(users, { cacheTtlMs: config.authCacheTtlMs, clock }),
    },
    {
      // null unless SUIVI_OIDC_* configure an identity provider.
      provide: OidcAuthenticator,
      inject: [UserQueries, CONFIG, CLOCK],
      useFactory: (users: UserQueries, config: SuiviConfig, clock: Clock) =>
        config.oidc === null ? null : new OidcAuthenticator(users, { ...config.oidc, clock }),
    },
    {
      provide: UserAdministration,
      inject: [EVENT_STORE, CODEC, IDS, UserQueries],
      useFactory: (store: EventStore, codec: EventCodec, ids: IdGenerator, users: UserQueries) =>
        new UserAdministration({ store, codec, ids, users }),
    },
    AdminBootstrap,
    BearerAuthentication,
    SecurityJournal,
    { provide: APP_GUARD, useClass: AccessGuard },
  ],
  exports: [UserQueries, GroupQueries, Authenticator, UserAdministration, SecurityJournal],
})
export class AuthModule {}
