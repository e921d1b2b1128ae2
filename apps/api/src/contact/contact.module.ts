import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { SharedModule } from '../shared/shared.module.js';
import { AddContactHandler } from './add-contact.handler.js';
import { ArchiveContactHandler } from './archive-contact.handler.js';
import { ContactResolver, ThirdPartyContactsResolver } from './contact.resolver.js';
import { UpdateContactHandler } from './update-contact.handler.js';

@Module({
  imports: [SharedModule, AuthModule],
  providers: [AddContactHandler, UpdateContactHandler, ArchiveContactHandler, ContactResolver, ThirdPartyContactsResolver],
})
export class ContactModule {}
