import { colorInt, facts, statusColor, truncate, type Notice, type Rendered } from './common.ts';

export type TeamsConfig = { format?: 'messagecard' | 'adaptivecard' };

const themeColor = (r: Rendered, n: Notice) => {
  const c = (r.color && colorInt(r.color) !== null ? r.color : null) ?? statusColor(n.status) ?? '#0076D7';
  return c.replace('#', '').toUpperCase();
};

/** A legacy incoming-webhook MessageCard: @type, @context, summary, themeColor, title and a section with the payload's facts. */
export function messageCard(r: Rendered, n: Notice): Record<string, unknown> {
  const title = truncate(r.title ?? n.eventType, 256);
  return {
    '@type': 'MessageCard', '@context': 'https://schema.org/extensions',
    summary: title, themeColor: themeColor(r, n), title,
    sections: [{ activityTitle: title, activitySubtitle: new Date(n.at).toISOString(), text: truncate(r.text ?? '', 20_000), facts: facts(n.payload), markdown: true }],
  };
}

/**
 * An Adaptive Card v1.4 in the envelope Teams workflows ("Post to a channel when a webhook request
 * is received") expect: `{type: "message", attachments: [{contentType, content}]}`.
 */
export function adaptiveCardMessage(r: Rendered, n: Notice): Record<string, unknown> {
  const title = truncate(r.title ?? n.eventType, 256);
  const status = n.status ? [{ type: 'TextBlock', text: n.status, isSubtle: true, spacing: 'None', wrap: true,
    color: statusColor(n.status) === '#e01e5a' ? 'Attention' : statusColor(n.status) === '#2eb67d' ? 'Good' : 'Default' }] : [];
  const factList = facts(n.payload).map((f) => ({ title: f.name, value: f.value }));
  const content = {
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json', type: 'AdaptiveCard', version: '1.4',
    body: [
      { type: 'TextBlock', text: title, weight: 'Bolder', size: 'Medium', wrap: true },
      ...status,
      ...(r.text ? [{ type: 'TextBlock', text: truncate(r.text, 20_000), wrap: true }] : []),
      ...(factList.length > 0 ? [{ type: 'FactSet', facts: factList }] : []),
    ],
    msteams: { width: 'Full' },
  };
  return { type: 'message', attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', contentUrl: null, content }] };
}

export function teamsMessage(config: TeamsConfig, r: Rendered, n: Notice): Record<string, unknown> {
  return config.format === 'adaptivecard' ? adaptiveCardMessage(r, n) : messageCard(r, n);
}
