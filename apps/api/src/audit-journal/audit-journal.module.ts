import { Module } from '@nestjs/common';
import { SharedModule } from '../shared/shared.module.js';
import { AuditJournalResolver } from './audit-journal.resolver.js';

@Module({ imports: [SharedModule], providers: [AuditJournalResolver] })
export class AuditJournalModule {}
