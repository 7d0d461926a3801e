import { colorInt, truncate, type Notice, type Rendered } from './common.ts';

/** Block Kit's limits (api.slack.com/reference/block-kit/blocks). */
export const SLACK_LIMITS = { headerText: 150, sectionText: 3_000, blocks: 50, buttonText: 75, messageText: 40_000 };

export type SlackConfig = { channel?: string; username?: string; iconEmoji?: string; linkUrl?: string };

/**
 * A Slack incoming-webhook message: `text` (the notification's fallback), channel, username and
 * icon_emoji when configured, one attachment carrying the color, and Block Kit blocks (a header,
 * a section, and a button when the connector has a link), each within Slack's limits.
 */
export function slackMessage(config: SlackConfig, r: Rendered, n: Notice): Record<string, unknown> {
  const text = r.text ?? n.eventType;
  const title = r.title ?? n.eventType;
  const color = r.color && colorInt(r.color) !== null ? `#${r.color.replace('#', '')}` : '#36a64f';
  const blocks: Array<Record<string, unknown>> = [
    { type: 'header', text: { type: 'plain_text', text: truncate(title || ' ', SLACK_LIMITS.headerText), emoji: true } },
    { type: 'section', text: { type: 'mrkdwn', text: truncate(text || ' ', SLACK_LIMITS.sectionText) } },
  ];
  if (config.linkUrl) {
    blocks.push({ type: 'actions', elements: [{ type: 'button', text: { type: 'plain_text', text: 'Open' }, url: config.linkUrl, action_id: 'mittr_open' }] });
  }
  return {
    text: truncate(text, SLACK_LIMITS.messageText),
    ...(config.channel ? { channel: config.channel } : {}),
    ...(config.username ? { username: config.username } : {}),
    ...(config.iconEmoji ? { icon_emoji: config.iconEmoji } : {}),
    attachments: [{ color, fallback: truncate(text, 3_000), title: truncate(title, 150), text: truncate(text, SLACK_LIMITS.sectionText), ts: Math.floor(n.at / 1000) }],
    blocks: blocks.slice(0, SLACK_LIMITS.blocks),
  };
}
