import type { JsonValue } from '#domain';
import type { ExportedEvent, ExportedRecord, ExportedSection, SubjectExport } from './subject-export.js';

/**
 * The export as a page the person can read: one self-contained HTML file, no
 * script, no external asset (its Content-Security-Policy forbids loading any),
 * every value escaped. It shows the same content as the JSON.
 */

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char]!);

const isScalar = (value: JsonValue): value is string | number | boolean | null => value === null || typeof value !== 'object';

/** Any JSON value as HTML: scalars as text, lists and objects nested. */
const valueHtml = (value: JsonValue): string => {
  if (value === null) return '<span class="none">—</span>';
  if (typeof value === 'string') return value === '' ? '<span class="none">—</span>' : escapeHtml(value);
  if (typeof value === 'number' || typeof value === 'boolean') return escapeHtml(String(value));
  if (Array.isArray(value)) {
    if (value.length === 0) return '<span class="none">—</span>';
    if (value.every(isScalar)) return value.map(valueHtml).join(', ');
    return `<ol>${value.map((item) => `<li>${valueHtml(item)}</li>`).join('')}</ol>`;
  }
  const entries = Object.entries(value);
  if (entries.length === 0) return '<span class="none">—</span>';
  return `<dl>${entries.map(([key, item]) => `<dt>${escapeHtml(key)}</dt><dd>${valueHtml(item)}</dd>`).join('')}</dl>`;
};

const section = (title: string, body: string): string => `<section><h2>${escapeHtml(title)}</h2>${body}</section>`;

const emptyNote = (text: string): string => `<p class="none">${escapeHtml(text)}</p>`;

const badges = (event: { readonly confidential: boolean; readonly erased?: boolean }): string =>
  `${event.confidential ? ' <span class="badge">confidential</span>' : ''}${event.erased ? ' <span class="badge">erased</span>' : ''}`;

const eventsTable = (events: readonly ExportedEvent[]): string =>
  events.length === 0
    ? emptyNote('None.')
    : `<table><thead><tr><th>When</th><th>By</th><th>What</th><th>Details</th></tr></thead><tbody>${events
        .map(
          (event) =>
            `<tr><td>${escapeHtml(event.at)}</td><td>${escapeHtml(event.by)}</td><td>${escapeHtml(event.type)}${badges(event)}</td><td>${valueHtml(event.data)}</td></tr>`,
        )
        .join('')}</tbody></table>`;

const recordsHtml = (records: readonly ExportedRecord[]): string =>
  records.length === 0
    ? emptyNote('None.')
    : records
        .map((record) => `<article><h3>${escapeHtml(record.id)}${badges(record)}</h3>${eventsTable(record.events)}</article>`)
        .join('');

const sectionHtml = (exportedSection: ExportedSection): string =>
  `${exportedSection.note === null ? '' : emptyNote(exportedSection.note)}${exportedSection.recordedBySuivi || exportedSection.items.length > 0 ? recordsHtml(exportedSection.items) : ''}`;

const consentTable = (decisions: SubjectExport['consents']['current']): string =>
  decisions.length === 0
    ? emptyNote('No decision recorded.')
    : `<table><thead><tr><th>Purpose</th><th>Channel</th><th>Decision</th><th>Expressed</th><th>How</th><th>Evidence</th><th>Recorded</th></tr></thead><tbody>${decisions
        .map(
          (d) =>
            `<tr><td>${escapeHtml(d.purpose)}</td><td>${escapeHtml(d.channel)}</td><td>${escapeHtml(d.decision)}</td><td>${escapeHtml(d.expressedAt)}</td>` +
            `<td>${escapeHtml(d.method)}</td><td>${valueHtml(d.evidence as unknown as JsonValue)}</td><td>${escapeHtml(d.recordedAt)} by ${escapeHtml(d.recordedBy)}</td></tr>`,
        )
        .join('')}</tbody></table>`;

const STYLE = `
body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:70rem;padding:0 1rem;color:#222;line-height:1.4}
h1{font-size:1.6rem}h2{border-bottom:1px solid #ccc;margin-top:2rem}h3{font-size:1rem}
table{border-collapse:collapse;width:100%;font-size:.9rem}th,td{border:1px solid #ddd;padding:.3rem .5rem;text-align:left;vertical-align:top}
dl{margin:0;display:grid;grid-template-columns:max-content 1fr;gap:.1rem .8rem}dt{font-weight:600}dd{margin:0}
ol{margin:0;padding-left:1.2rem}.none{color:#888}.badge{background:#fde68a;border-radius:.3rem;font-size:.75rem;padding:0 .3rem}
.notice{background:#f3f4f6;border-left:4px solid #999;padding:.5rem 1rem}`;

export const renderSubjectExportHtml = (exported: SubjectExport): string => {
  const { subject } = exported;
  const name = (() => {
    const profile = exported.profile;
    if (profile === null || typeof profile !== 'object' || Array.isArray(profile)) return subject.id;
    const text = [profile['firstName'], profile['lastName'] ?? profile['name']].filter((part) => typeof part === 'string' && part !== '').join(' ');
    return text === '' ? subject.id : text;
  })();
  const identity: JsonValue = {
    kind: subject.kind,
    id: subject.id,
    status: subject.status,
    thirdPartyId: subject.thirdPartyId,
    organisation: subject.organisation === null ? null : { ...subject.organisation },
  };
  const auditRows =
    exported.auditEntries.length === 0
      ? emptyNote('None.')
      : `<table><thead><tr><th>When</th><th>By</th><th>What</th><th>On</th><th>Changes</th></tr></thead><tbody>${exported.auditEntries
          .map(
            (entry) =>
              `<tr><td>${escapeHtml(entry.at)}</td><td>${escapeHtml(entry.actorId)}</td><td>${escapeHtml(entry.action)}</td>` +
              `<td>${escapeHtml(`${entry.entityType} ${entry.entityId}`)}</td><td>${valueHtml(entry.changes as unknown as JsonValue)}</td></tr>`,
          )
          .join('')}</tbody></table>`;
  const body = [
    `<h1>What Suivi holds about ${escapeHtml(name)}</h1>`,
    `<p>Generated ${escapeHtml(exported.generatedAt)} · format ${escapeHtml(exported.format)} · the JSON file holds the same content, for machines.</p>`,
    ...exported.notices.map((notice) => `<p class="notice">${escapeHtml(notice)}</p>`),
    section('Who', valueHtml(identity)),
    section('Profile', valueHtml(exported.profile)),
    section('Changes to the profile', eventsTable(exported.changes)),
    section('Consents in force', consentTable(exported.consents.current)),
    section('Every consent decision', consentTable(exported.consents.history)),
    section('Exchanges', recordsHtml(exported.exchanges)),
    section('Notes', recordsHtml(exported.notes)),
    section('Commercial documents', sectionHtml(exported.documents)),
    section('Follow-ups', sectionHtml(exported.followUps)),
    section('Audit journal', auditRows),
  ].join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(`Personal data export — ${name}`)}</title>
<style>${STYLE}</style>
</head>
<body>
${body}
</body>
</html>
`;
};
