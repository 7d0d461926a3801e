import type { ConnectorState } from './domain/evolve.ts';
import type { Notice } from './domain/formats/common.ts';
import { nativeNotification, openConfig, templatesOf, type HttpNotification, type MailNotification } from './domain/notification.ts';
import { renderTemplate, templateContext } from './templates.ts';

/**
 * A connector's notification for one notice: its templates rendered over the notice (000's
 * context), then its type's native message. Throws when a template fails to render (a limit,
 * a value it cannot print): the caller records that as the notification's failure.
 */
export async function prepareNotification(c: ConnectorState, open: (sealed: string) => string, n: Notice): Promise<HttpNotification | MailNotification> {
  const rendered = await renderTemplate(templatesOf(c.definition), templateContext({ eventType: n.eventType, eventId: n.eventId, payload: n.payload, at: n.at }));
  return nativeNotification(c.definition, openConfig(c.definition, open), rendered, n);
}
