import { Module } from '@nestjs/common';
import { SharedModule } from '../shared/shared.module.js';
import { AddNoteHandler } from './add-note.handler.js';
import { NoteResolver } from './note.resolver.js';

@Module({ imports: [SharedModule], providers: [AddNoteHandler, NoteResolver] })
export class NoteModule {}
