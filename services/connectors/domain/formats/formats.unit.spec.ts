import { createRequire } from 'node:module';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import type { Notice } from './common.ts';
import { DISCORD_LIMITS, discordMessage } from './discord.ts';
import { SLACK_LIMITS, slackMessage } from './slack.ts';
import { adaptiveCardMessage, messageCard, teamsMessage } from './teams.ts';
import { flatten, zapierBody } from './zapier.ts';

const AC = createRequire(import.meta.url)('adaptivecards/dist/adaptivecards.js');
const ajv = new Ajv({ allErrors: true });

/** Slack's published shape of an incoming-webhook message and Block Kit's limits (api.slack.com/reference/block-kit). */
const plainText = (max: number) => ({ type: 'object', required: ['type', 'text'], properties: { type: { const: 'plain_text' }, text: { type: 'string', minLength: 1, maxLength: max }, emoji: { type: 'boolean' } }, additionalProperties: false });
const slackSchema = {
  type: 'object', required: ['text'], additionalProperties: false,
  properties: {
    text: { type: 'string', maxLength: 40_000 }, channel: { type: 'string' }, username: { type: 'string' }, icon_emoji: { type: 'string', pattern: '^:[^:]+:$' },
    attachments: { type: 'array', items: { type: 'object', required: ['color'], properties: { color: { type: 'string', pattern: '^#[0-9a-fA-F]{6}$' }, fallback: { type: 'string' }, title: { type: 'string' }, text: { type: 'string' }, ts: { type: 'integer' } }, additionalProperties: false } },
    blocks: { type: 'array', maxItems: 50, items: { oneOf: [
      { type: 'object', required: ['type', 'text'], properties: { type: { const: 'header' }, text: plainText(150) }, additionalProperties: false },
      { type: 'object', required: ['type', 'text'], properties: { type: { const: 'section' }, text: { type: 'object', required: ['type', 'text'], properties: { type: { enum: ['mrkdwn', 'plain_text'] }, text: { type: 'string', minLength: 1, maxLength: 3_000 } } } }, additionalProperties: false },
      { type: 'object', required: ['type', 'elements'], properties: { type: { const: 'actions' }, elements: { type: 'array', maxItems: 25, items: { type: 'object', required: ['type', 'text'], properties: { type: { const: 'button' }, text: plainText(75), url: { type: 'string', maxLength: 3_000 }, action_id: { type: 'string', maxLength: 255 } }, additionalProperties: false } } }, additionalProperties: false },
    ] } },
  },
};
/** Discord's execute-webhook body and its embed limits (discord.com/developers/docs/resources/webhook#execute-webhook). */
const discordSchema = {
  type: 'object', additionalProperties: false, anyOf: [{ required: ['content'] }, { required: ['embeds'] }],
  properties: {
    content: { type: 'string', maxLength: 2_000 }, username: { type: 'string', minLength: 1, maxLength: 80 }, avatar_url: { type: 'string' },
    embeds: { type: 'array', maxItems: 10, items: { type: 'object', additionalProperties: false, properties: {
      title: { type: 'string', maxLength: 256 }, description: { type: 'string', maxLength: 4_096 }, color: { type: 'integer', minimum: 0, maximum: 0xffffff },
      timestamp: { type: 'string' }, footer: { type: 'object', required: ['text'], properties: { text: { type: 'string', maxLength: 2_048 } } },
    } } },
  },
};
/** The legacy connector card (learn.microsoft.com: Legacy actionable message card reference). */
const messageCardSchema = {
  type: 'object', required: ['@type', '@context', 'summary'],
  properties: {
    '@type': { const: 'MessageCard' }, '@context': { const: 'https://schema.org/extensions' }, summary: { type: 'string', minLength: 1 },
    themeColor: { type: 'string', pattern: '^[0-9A-F]{6}$' }, title: { type: 'string' },
    sections: { type: 'array', maxItems: 10, items: { type: 'object', properties: { activityTitle: { type: 'string' }, text: { type: 'string' }, facts: { type: 'array', items: { type: 'object', required: ['name', 'value'] } } } } },
  },
};
const validSlack = ajv.compile(slackSchema);
const validDiscord = ajv.compile(discordSchema);
const validMessageCard = ajv.compile(messageCardSchema);

/** Parses the card with the Adaptive Cards library itself and answers every problem it reports. */
function adaptiveCardProblems(card: unknown): string[] {
  const ctx = new AC.SerializationContext();
  const parsed = new AC.AdaptiveCard();
  parsed.parse(card, ctx);
  const problems: string[] = [];
  for (let i = 0; i < ctx.eventCount; i++) problems.push(ctx.getEventAt(i).message);
  for (const e of parsed.validateProperties().validationEvents) problems.push(e.message);
  return problems;
}

const notice = (over: Partial<Notice> = {}): Notice => ({ eventType: 'order.failed', eventId: 'evt_1', at: Date.UTC(2026, 0, 2), payload: { order_id: 42, status: 'failed', nested: { a: 1 } }, status: 'failed', ...over });
const huge = 'é'.repeat(50_000);

describe('slack native format', () => {
  it('given a configured connector, when formatted, then text, channel, username, icon_emoji, a colored attachment and header/section/actions blocks', () => {
    const m = slackMessage({ channel: '#alerts', username: 'Mittr', iconEmoji: ':satellite:', linkUrl: 'https://app.example/e/1' }, { text: 'order.failed: boom', color: '#36a64f' }, notice());
    expect(validSlack(m), JSON.stringify(validSlack.errors)).toBe(true);
    expect(m).toMatchObject({ text: 'order.failed: boom', channel: '#alerts', username: 'Mittr', icon_emoji: ':satellite:', attachments: [{ color: '#36a64f' }] });
    expect((m.blocks as Array<{ type: string }>).map((b) => b.type)).toEqual(['header', 'section', 'actions']);
  });
  it('given texts beyond Block Kit\'s limits, when formatted, then cut to them (header 150, section 3000)', () => {
    const m = slackMessage({}, { text: huge, title: huge }, notice());
    expect(validSlack(m), JSON.stringify(validSlack.errors)).toBe(true);
    const [header, section] = m.blocks as Array<{ text: { text: string } }>;
    expect([...header!.text.text].length).toBe(SLACK_LIMITS.headerText);
    expect([...section!.text.text].length).toBe(SLACK_LIMITS.sectionText);
    expect(m).not.toHaveProperty('channel');
  });
});

describe('discord native format', () => {
  it('given a status, when formatted, then content, username and an embed in the status\'s color', () => {
    const failed = discordMessage({ username: 'Mittr Bot' }, { text: 'order.failed: boom' }, notice());
    const ok = discordMessage({}, { text: 'x' }, notice({ status: 'succeeded' }));
    const info = discordMessage({}, { text: 'x' }, notice({ status: null }));
    for (const m of [failed, ok, info]) expect(validDiscord(m), JSON.stringify(validDiscord.errors)).toBe(true);
    expect(failed).toMatchObject({ content: 'order.failed: boom', username: 'Mittr Bot', embeds: [{ title: 'order.failed', color: 0xe01e5a }] });
    expect((ok.embeds as Array<{ color: number }>)[0]!.color).toBe(0x2eb67d);
    expect((info.embeds as Array<{ color: number }>)[0]!.color).toBe(0x3498db);
  });
  it('given texts beyond Discord\'s limits, when formatted, then content ≤ 2000 and the embed within its own and the total', () => {
    const m = discordMessage({}, { text: huge, title: huge }, notice());
    expect(validDiscord(m), JSON.stringify(validDiscord.errors)).toBe(true);
    const embed = (m.embeds as Array<{ title: string; description: string; footer: { text: string } }>)[0]!;
    expect([...embed.title, ...embed.description, ...embed.footer.text].length).toBeLessThanOrEqual(DISCORD_LIMITS.total);
  });
});

describe('teams native formats', () => {
  it('given the default, when formatted, then a MessageCard with themeColor, title and the payload\'s facts', () => {
    const m = teamsMessage({}, { title: 'order.failed', text: 'boom' }, notice());
    expect(validMessageCard(m), JSON.stringify(validMessageCard.errors)).toBe(true);
    expect(m).toMatchObject({ '@type': 'MessageCard', themeColor: 'E01E5A', title: 'order.failed', sections: [{ facts: [{ name: 'order_id', value: '42' }, { name: 'status', value: 'failed' }] }] });
    expect(messageCard({ color: '#00ff00' }, notice()).themeColor).toBe('00FF00');
  });
  it('given format adaptivecard, when formatted, then an Adaptive Card v1.4 in the message/attachments envelope that the adaptivecards library parses without a problem', () => {
    const m = teamsMessage({ format: 'adaptivecard' }, { title: 'order.failed', text: 'boom' }, notice()) as { type: string; attachments: Array<{ contentType: string; content: { version: string } }> };
    expect(m.type).toBe('message');
    expect(m.attachments).toHaveLength(1);
    expect(m.attachments[0]!.contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(m.attachments[0]!.content.version).toBe('1.4');
    expect(adaptiveCardProblems(m.attachments[0]!.content)).toEqual([]);
    // The check is real: the same library flags a card with an element it does not know.
    expect(adaptiveCardProblems({ type: 'AdaptiveCard', version: '1.4', body: [{ type: 'Bogus' }] })).not.toEqual([]);
  });
  it('given a payload without scalar fields, when formatted as an Adaptive Card, then no empty FactSet', () => {
    const m = adaptiveCardMessage({}, notice({ payload: { a: { b: 1 } }, status: null })) as { attachments: Array<{ content: { body: Array<{ type: string }> } }> };
    expect(m.attachments[0]!.content.body.map((b) => b.type)).toEqual(['TextBlock']);
  });
});

describe('zapier native format', () => {
  it('given a nested payload, when formatted, then flattened a.b.c keys beside the event\'s identity', () => {
    expect(zapierBody(notice({ payload: { order: { id: 1, lines: [{ sku: 'a' }] }, empty: {}, n: null } })))
      .toEqual({ event_type: 'order.failed', event_id: 'evt_1', timestamp: '2026-01-02T00:00:00.000Z', 'order.id': 1, 'order.lines.0.sku': 'a', empty: {}, n: null });
    expect(Object.keys(flatten(Object.fromEntries(Array.from({ length: 2_000 }, (_, i) => [`k${i}`, i])))).length).toBe(1_000);
  });
});
