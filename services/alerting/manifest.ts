import { defineCapability } from '../platform/capability.ts';
import { configTopic, logTopic } from '../platform/kafka/topics.ts';
import { ALERTING_MESSAGE_TYPES, type AlertingMessage } from './domain/messages.ts';
import type { AlertRulesState } from './state.ts';

type AlertingTopics = { alertRules: string; alerts: string };

/** Alert rules: conditions over the delivery metrics, evaluated continuously, firing to Slack, PagerDuty, a URL or a connector. */
export const alerting = defineCapability<AlertingMessage, AlertingTopics, { alertRules: AlertRulesState }, 'alert'>({
  name: 'alerting',
  messageTypes: ALERTING_MESSAGE_TYPES,
  topicNames: (prefix) => ({ alertRules: `${prefix}alert-rules`, alerts: `${prefix}alerts` }),
  topicSpecs: (t, partitions) => [configTopic(t.alertRules), logTopic(t.alerts, partitions)],
  state: async (t) => ({ alertRules: new (await import('./state.ts')).AlertRulesState(t.alertRules) }),
  apiTags: [{ name: 'Alerting', description: 'Alert rules over failure rate, latency, queue depth and counts; their evaluation and history' }],
  routes: async () => [(await import('./routes.ts')).alertingRoutes],
  projections: async () => {
    const p = await import('../../projections/alerting/projector.ts');
    return [p.alertRulesProjection, p.alertHistoryProjection];
  },
  roles: { alert: { usesConfig: true, load: () => import('./role.ts') } },
});
