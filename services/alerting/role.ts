import type { Processor } from '../platform/capability.ts';
import { Appender } from '../platform/kafka/appender.ts';
import { TransactionalProcessor } from '../platform/kafka/processor.ts';
import { createDb } from '../platform/postgres/db.ts';
import type { RoleEnv } from '../platform/role-env.ts';
import { sendConnectorMail } from '../connectors/mail.ts';
import { createMailer } from '../platform/mail/mailer.ts';
import { alertNotifierHandler } from './alert-notifier.ts';
import { AlertEvaluator, EVALUATE_EVERY_MS } from './evaluator.ts';

/**
 * The alert role: the evaluator (every enabled rule each period, one process at a time per rule)
 * and the alert notifier (its own consumer group on the alerts topic, each alert to its target).
 */
export async function start({ config, kafka, serde, topics, store, secrets, group, onStop }: RoleEnv): Promise<Processor[]> {
  const db = await createDb(config, 2);
  const appender = new Appender(kafka, serde);
  await appender.start();
  onStop(async () => { await appender.stop(); await db.end(); });
  const evaluator = new AlertEvaluator({
    db, store, topics, append: (out) => appender.append(out), lockSpace: `mittr-alerting:${config.databaseSchema}`,
    everyMs: config.alerting?.evaluateEveryMs ?? EVALUATE_EVERY_MS, log: (msg) => console.error(msg),
  });
  const policy = { allowPrivateNetworks: config.allowPrivateNetworks, operatorCidrs: config.allowedCidrs, allowedCidrs: [], blockedCidrs: [] };
  const mailer = createMailer(config);
  onStop(async () => mailer.close());
  const handler = alertNotifierHandler({ topics, store, open: (s) => secrets.open(s), sendMail: (c, m) => sendConnectorMail(c, m, policy), mailer });
  const notifier = new TransactionalProcessor({ kafka, serde, groupId: group('alert-notifier'), topics: [topics.alerts], types: ['AlertFired', 'AlertResolved'], handler, setAsideTopic: topics.setAside });
  return [evaluator, notifier];
}
