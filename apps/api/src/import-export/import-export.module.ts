import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { ExchangeModule } from '../exchange/exchange.module.js';
import { SharedModule } from '../shared/shared.module.js';
import { ImportExportResolver } from './import-export.resolver.js';

/** CSV import (inline, small files) and export of the directory and the exchanges list. */
@Module({
  imports: [SharedModule, AuthModule, ExchangeModule],
  providers: [ImportExportResolver],
})
export class ImportExportModule {}
