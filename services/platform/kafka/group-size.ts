import type { Admin, Kafka } from 'kafkajs';

/** How many members a consumer group has (e.g. engine processes), refreshed periodically. */
export class GroupSize {
  size = 1;
  private admin?: Admin;
  private timer?: NodeJS.Timeout;
  private readonly kafka: Kafka;
  private readonly groupId: string;

  constructor(kafka: Kafka, groupId: string) {
    this.kafka = kafka;
    this.groupId = groupId;
  }

  async start(everyMs = 5_000): Promise<void> {
    this.admin = this.kafka.admin();
    await this.admin.connect();
    const refresh = async () => {
      try {
        const { groups } = await this.admin!.describeGroups([this.groupId]);
        this.size = Math.max(1, groups[0]?.members.length ?? 1);
      } catch { /* keep the last known size */ }
    };
    this.timer = setInterval(() => void refresh(), everyMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.admin?.disconnect();
  }
}
