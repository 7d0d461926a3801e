import { useState } from 'preact/hooks';
import { api, ok, type Answer, type Paths } from '../api.ts';
import { Check, Field, Problem, Select, useAction, useLoad } from '../ui.tsx';

export type Rule = Answer<'/api/v1/alerting/rules/{id}', 'get'>;
export type RuleBody = NonNullable<Paths['/api/v1/alerting/rules']['post']['requestBody']>['content']['application/json'];
type Action = NonNullable<RuleBody['action']>;
type Condition = Exclude<RuleBody['condition'], string>;

const METRICS = ['failure_rate', 'success_rate', 'latency', 'queue_depth', 'error_count', 'delivery_count'] as const;
const OPERATORS = ['gt', 'gte', 'lt', 'lte', 'eq', 'ne'] as const;
const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
const ACTIONS = ['webhook', 'slack', 'email', 'pagerduty', 'connector'] as const;
/** Each action type's fields as the API takes them: [name, label, secret]. Secrets come back masked: blank keeps the stored one. */
const ACTION_FIELDS: Record<Action['type'], Array<[string, string, boolean]>> = {
  webhook: [['webhookUrl', 'Webhook URL', true], ['message', 'Message (Go template over value, threshold, rule, metric, severity)', false]],
  slack: [['webhookUrl', 'Slack incoming webhook URL', true], ['channel', 'Channel', false], ['username', 'Username', false], ['iconEmoji', 'Icon emoji', false], ['message', 'Message (Go template)', false]],
  email: [['to', 'Recipients (comma-separated)', false], ['subject', 'Subject (Go template)', false], ['message', 'Message (Go template)', false]],
  pagerduty: [['routingKey', 'Events API v2 routing key', true], ['severity', 'PagerDuty severity (overrides the rule\'s)', false], ['url', 'Events API URL', false], ['message', 'Message (Go template)', false]],
  connector: [],
};

type Values = { name: string; description: string; severity: string; enabled: boolean; metric: string; operator: string; value: string; window: string; percentile: string;
  endpointId: string; eventType: string; cooldown: string; actionType: Action['type']; action: Record<string, string> };

function toValues(r?: Rule): Values {
  const c = r?.condition;
  const action: Record<string, string> = {};
  for (const [k, v] of Object.entries(r?.action ?? {})) if (k !== 'type' && typeof v === 'string' && !v.includes('****')) action[k] = v;
  if (Array.isArray(r?.action.to)) action.to = (r.action.to as string[]).join(', ');
  return {
    name: r?.name ?? '', description: r?.description ?? '', severity: r?.severity ?? 'high', enabled: r?.enabled ?? true,
    metric: c?.metric ?? 'failure_rate', operator: c?.operator ?? 'gt', value: c ? String(c.value) : '', window: c?.window ?? '5m',
    percentile: c?.percentile ? String(c.percentile) : '', endpointId: c?.endpointId ?? '', eventType: c?.eventType ?? '', cooldown: r?.cooldown ?? '15m',
    actionType: (r?.action.type as Action['type'] | undefined) ?? 'webhook', action,
  };
}

function toBody(v: Values): RuleBody {
  const condition: Condition = {
    metric: v.metric as Condition['metric'], operator: v.operator as Condition['operator'], value: Number(v.value), window: v.window.trim() || '5m',
    endpointId: v.endpointId || null, eventType: v.eventType.trim() || null, ...(v.metric === 'latency' && v.percentile ? { percentile: Number(v.percentile) } : {}),
  };
  const action: Action = { type: v.actionType };
  // Blank fields are left out: the API refuses empty strings, and keeps a stored secret that is not sent.
  for (const [k] of ACTION_FIELDS[v.actionType]) if (v.action[k]?.trim()) (action as Record<string, string>)[k] = v.action[k].trim();
  if (v.actionType === 'connector') action.connector = v.action.connector ?? '';
  return { name: v.name.trim(), description: v.description, severity: v.severity as RuleBody['severity'], enabled: v.enabled, condition, action, cooldown: v.cooldown.trim() || '15m' };
}

/** Create or edit an alert rule: the condition over delivery metrics, and who is told. */
export function AlertForm(props: { rule?: Rule; submit: string; onSubmit: (body: RuleBody) => Promise<void> }) {
  const endpoints = useLoad(async () => ok(await api.GET('/api/v1/endpoints', { params: { query: { limit: 100 } } })).data);
  const connectors = useLoad(async () => ok(await api.GET('/api/v1/connectors', { params: { query: { limit: 100 } } })).data);
  const [v, setV] = useState<Values>(() => toValues(props.rule));
  const set = <K extends keyof Values>(k: K) => (x: Values[K]) => setV((o) => ({ ...o, [k]: x }));
  const setAction = (k: string) => (x: string) => setV((o) => ({ ...o, action: { ...o.action, [k]: x } }));
  const stored = props.rule?.action.type === v.actionType ? props.rule.action : undefined;
  const a = useAction();
  const eps = endpoints.data ?? [];
  return (
    <form onSubmit={(e) => { e.preventDefault(); void a.run(() => props.onSubmit(toBody(v))); }}>
      <Field label="Rule name (unique in the project)" value={v.name} onInput={set('name')} required />
      <Field label="Description" value={v.description} onInput={set('description')} />
      <Select label="Severity" value={v.severity} options={SEVERITIES} onChange={set('severity')} />
      <fieldset>
        <legend>Condition</legend>
        <div class="toolbar">
          <Select label="Metric" value={v.metric} options={METRICS} onChange={set('metric')} />
          <Select label="Operator" value={v.operator} options={OPERATORS} onChange={set('operator')} />
          <Field label="Threshold (rates as a fraction: 0.1 is 10%; latency in ms)" type="number" value={v.value} onInput={set('value')} required />
          <Field label="Window (1m-24h)" value={v.window} onInput={set('window')} />
          {v.metric === 'latency' && <Select label="Percentile" value={v.percentile} options={['', '50', '95', '99']} blank="95 (default)" onChange={set('percentile')} />}
        </div>
        <Select label="Endpoint (all: the project)" value={v.endpointId} options={['', ...eps.map((e) => e.id)]} labels={Object.fromEntries(eps.map((e) => [e.id, e.url]))} blank="all endpoints" onChange={set('endpointId')} />
        {v.metric !== 'queue_depth' && <Field label="Event type (empty: all)" value={v.eventType} onInput={set('eventType')} />}
      </fieldset>
      <fieldset>
        <legend>Notify</legend>
        <Select label="Action" value={v.actionType} options={ACTIONS} onChange={(x) => set('actionType')(x as Action['type'])} />
        {ACTION_FIELDS[v.actionType].map(([k, label, secret]) => (
          <Field key={`${v.actionType}-${k}`} label={secret && stored?.[k] ? `${label} (set: ${String(stored[k])}; empty: unchanged)` : label} type={secret ? 'password' : 'text'}
            value={v.action[k] ?? ''} onInput={setAction(k)} required={secret && !stored} />
        ))}
        {v.actionType === 'connector' && (
          <Select label="Connector" value={v.action.connector ?? ''} options={['', ...(connectors.data ?? []).map((c) => c.name)]} blank="(choose one)" onChange={setAction('connector')} />
        )}
        <Field label="Cooldown (no repeat within it; 0: none)" value={v.cooldown} onInput={set('cooldown')} />
      </fieldset>
      <Check label="Enabled" checked={v.enabled} onChange={set('enabled')} />
      <button type="submit" disabled={a.busy}>{props.submit}</button>
      <Problem error={a.error ?? endpoints.error ?? connectors.error} />
    </form>
  );
}
