import type { Mailer } from '../mail/mailer.js';
import { mailPurposeOf, type SuiviMetrics } from './metrics.js';

/** Counts what the automations hand over, whichever automation and transport: they all send through the one mailer. */
export function instrumentMailer(mailer: Mailer, metrics: SuiviMetrics): Mailer {
  return {
    kind: mailer.kind,
    async send(mail) {
      const purpose = mailPurposeOf(mail.messageId);
      try {
        const result = await mailer.send(mail);
        if (result.accepted.length > 0) metrics.mailsSent.inc({ purpose });
        else metrics.mailsFailed.inc({ purpose });
        return result;
      } catch (error) {
        metrics.mailsFailed.inc({ purpose });
        throw error;
      }
    },
    wasHandedOver: (messageId) => mailer.wasHandedOver(messageId),
    close: () => mailer.close(),
  };
}
