import { colorInt, statusColor, truncate, type Notice, type Rendered } from './common.ts';

/** Discord's limits (discord.com/developers/docs/resources/message#embed-object-embed-limits). */
export const DISCORD_LIMITS = { content: 2_000, title: 256, description: 4_096, fields: 25, fieldName: 256, fieldValue: 1_024, total: 6_000 };
const INFO = 0x3498db;

export type DiscordConfig = { username?: string; avatarUrl?: string };

/**
 * A Discord webhook message: `content`, the bot's username and avatar when configured, and one
 * embed whose color says the status (failed red, succeeded green, ...; info blue otherwise,
 * unless the template sets a color). Every text within Discord's limits, the embed's total too.
 */
export function discordMessage(config: DiscordConfig, r: Rendered, n: Notice): Record<string, unknown> {
  const text = r.text ?? n.eventType;
  const byStatus = statusColor(n.status);
  const color = (r.color ? colorInt(r.color) : null) ?? (byStatus ? colorInt(byStatus) : null) ?? INFO;
  const title = truncate(r.title ?? n.eventType, DISCORD_LIMITS.title);
  // The embed's texts together stay within the total.
  const description = truncate(text, Math.min(DISCORD_LIMITS.description, DISCORD_LIMITS.total - [...title].length - 64));
  return {
    content: truncate(text, DISCORD_LIMITS.content),
    ...(config.username ? { username: config.username } : {}),
    ...(config.avatarUrl ? { avatar_url: config.avatarUrl } : {}),
    embeds: [{ title, description, color, timestamp: new Date(n.at).toISOString(), footer: { text: truncate(`mittr · ${n.eventId}`, 60) } }],
  };
}
