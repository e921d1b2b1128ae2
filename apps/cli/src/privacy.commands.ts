import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { Command } from 'commander';
import { DomainError, erasureReasons, type CommandContext, type ErasureReason } from '#domain';
import { randomIds, type EventCodec, type EventStore, type IdGenerator, type SubjectKeyStore } from '#event-store';
import { createCodec, describeStores, loadConfig, openEventStore, openSubjectKeyStore, systemClock, type Clock } from '#platform';
import { canonicalJson } from '#projections';
import { DataSubjectErasure, type DataSubjectRef, type ErasureCertificate, type ErasureStep } from '#security';

/**
 * `suivi privacy forget …` and `suivi privacy certificate …`: forgetting a
 * person from the command line (the DPO's terminal, a script run on a ticket),
 * through the same DataSubjectErasure as the API, recorded with the actor
 * `cli:<operating-system user>` and source `system`.
 */
export interface ErasureSession {
  readonly erasure: DataSubjectErasure;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  /** Who the journal says did it. */
  readonly actorId: string;
  /** Results: standard output. */
  out(line: string): void;
  /** The steps and explanations around them: standard error. */
  note(line: string): void;
}

export interface ErasureOutput {
  out(line: string): void;
  note(line: string): void;
}

const standardOutput: ErasureOutput = {
  out: (line) => process.stdout.write(`${line}\n`),
  note: (line) => process.stderr.write(`${line}\n`),
};

/** `contact` or `third-party` (as the export command spells it); `thirdParty` is accepted too. */
export const subjectOf = (kind: string, id: string): DataSubjectRef => {
  const normalised = kind.trim().toLowerCase();
  if (normalised === 'contact') return { kind: 'contact', id: id.trim().toLowerCase() };
  if (normalised === 'third-party' || normalised === 'thirdparty') return { kind: 'thirdParty', id: id.trim().toLowerCase() };
  throw new Error(`the kind of person must be contact or third-party, got "${kind}"`);
};

const reasonOf = (raw: string): ErasureReason => {
  const reason = raw.trim().toUpperCase().replaceAll('-', '_');
  if (!(erasureReasons as readonly string[]).includes(reason)) {
    throw new Error(`--reason must be one of ${erasureReasons.join(', ')}, got "${raw}"`);
  }
  return reason as ErasureReason;
};

const context = (session: ErasureSession): CommandContext => {
  const commandId = session.ids.next();
  return { actorId: session.actorId, now: session.clock.now(), commandId, correlationId: commandId, causationId: null, source: 'system' };
};

const describeStep = (step: ErasureStep): string | null => {
  switch (step.step) {
    case 'scanned':
      return `  scanned ${step.events} events of the log${step.contacts.length > 0 ? `: ${step.contacts.length} contact(s) to forget with it` : ''}`;
    case 'contactForgotten':
      return `  contact ${step.contactId}: ${step.already ? 'already forgotten' : 'forgotten'}`;
    case 'recorded':
      return `  ${step.subject.kind === 'contact' ? 'contact' : 'third party'} ${step.subject.id}: ${step.already ? 'already forgotten, nothing recorded again' : 'erasure recorded'}`;
    case 'keyDestroyed':
      return `  key ${step.subjectId}: ${step.already ? 'already destroyed' : 'destroyed'}`;
    case 'certified':
      return null;
    default: {
      const unreachable: never = step;
      return unreachable;
    }
  }
};

const printCertificate = (session: ErasureSession, certificate: ErasureCertificate, out: string | undefined): void => {
  const json = canonicalJson(certificate);
  if (out) {
    writeFileSync(out, `${json}\n`, { mode: 0o600 });
    session.note(`certificate written to ${out}`);
  } else {
    session.out(json);
  }
  session.note(
    `${certificate.keysDestroyed.length} key(s) destroyed, ${certificate.eventsNowUnreadable} event(s) now read as erased; ` +
      `the read models (${certificate.readModelsErased.join(', ')}) show markers once the worker has applied position ${certificate.position}.`,
  );
  if (certificate.eventsLeftInClear > 0) {
    session.note(
      `warning: ${certificate.eventsLeftInClear} event(s) about this person were stored before personal data was encrypted and still hold it ` +
        'in clear: see "Personal data (GDPR)" in the README for what remains an operator\'s job.',
    );
  }
};

/** Forgets a person; resolves to the exit code (0). Bad input and refusals are thrown, with their message. */
export async function forgetSubject(
  session: ErasureSession,
  kind: string,
  id: string,
  options: { reason: string; reference?: string; out?: string },
): Promise<number> {
  const subject = subjectOf(kind, id);
  const reason = reasonOf(options.reason);
  session.note(`forgetting ${subject.kind === 'contact' ? 'contact' : 'third party'} ${subject.id} (${reason}):`);
  const certificate = await session.erasure.forget({ subject, reason, reference: options.reference ?? null }, context(session), (step) => {
    const line = describeStep(step);
    if (line !== null) session.note(line);
  });
  printCertificate(session, certificate, options.out);
  return 0;
}

/** Prints the certificate of a person forgotten earlier; exit code 1 when they were not. */
export async function showCertificate(session: ErasureSession, kind: string, id: string, options: { out?: string }): Promise<number> {
  const subject = subjectOf(kind, id);
  const certificate = await session.erasure.certificate(subject);
  if (certificate === null) {
    session.note(`${subject.kind === 'contact' ? 'contact' : 'third party'} ${subject.id} was not forgotten: no certificate`);
    return 1;
  }
  printCertificate(session, certificate, options.out);
  return 0;
}

/**
 * Opens the stores as the server does. The key store is this process's own: a
 * server running meanwhile drops the destroyed keys from its cache when its
 * worker meets the erasure event, at the latest when its cache's TTL runs out.
 */
export async function withErasureSession<T>(work: (session: ErasureSession) => Promise<T>, output: ErasureOutput = standardOutput): Promise<T> {
  const config = loadConfig();
  const store: EventStore = openEventStore(config);
  const keys: SubjectKeyStore = await openSubjectKeyStore(config);
  const codec: EventCodec = createCodec(keys);
  try {
    return await work({
      erasure: new DataSubjectErasure({ store, codec, keys, clock: systemClock, ids: randomIds }),
      clock: systemClock,
      ids: randomIds,
      actorId: `cli:${os.userInfo().username}`,
      out: (line) => output.out(line),
      note: (line) => output.note(line),
    });
  } finally {
    // Closes the key store too.
    await codec.close();
    await store.close();
  }
}

/** Domain refusals are the operator's input errors: their message is the whole story. */
const run = (work: (session: ErasureSession) => Promise<number>): Promise<void> =>
  withErasureSession(async (session) => {
    session.note(describeStores(loadConfig()));
    process.exitCode = await work(session);
  }).catch((error: unknown) => {
    if (error instanceof DomainError) throw new Error(error.message, { cause: error });
    throw error;
  });

/** `privacy` is shared with the export commands: whichever registers first creates it. */
const privacyCommand = (program: Command): Command =>
  program.commands.find((command) => command.name() === 'privacy') ??
  program.command('privacy').description('personal data (GDPR): export what Suivi holds about a person, forget them');

export function registerPrivacyCommands(program: Command): void {
  const privacy = privacyCommand(program);
  privacy
    .command('forget')
    .argument('<kind>', 'contact or third-party (a third party is forgotten with every contact of it)')
    .argument('<id>', "the person's id")
    .requiredOption('--reason <reason>', `why: ${erasureReasons.join(', ')}`)
    .option('--reference <ref>', 'a ticket or case number, kept in clear (it must not name the person)')
    .option('--out <certificate.json>', 'write the erasure certificate there rather than to standard output')
    .description("forget a person: record the erasure, destroy their keys, print the certificate (running it again changes nothing)")
    .action((kind: string, id: string, options: { reason: string; reference?: string; out?: string }) =>
      run((session) => forgetSubject(session, kind, id, options)),
    );
  privacy
    .command('certificate')
    .argument('<kind>', 'contact or third-party')
    .argument('<id>', "the person's id")
    .option('--out <certificate.json>', 'write the certificate there rather than to standard output')
    .description('the erasure certificate of a person forgotten earlier, rebuilt from the log (exit code 1 if they were not forgotten)')
    .action((kind: string, id: string, options: { out?: string }) => run((session) => showCertificate(session, kind, id, options)));
}
