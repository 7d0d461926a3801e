import { randomUUID } from 'node:crypto';
import type { AddressPolicy } from '../deliveries/address-policy.ts';
import { bodiless } from '../deliveries/domain/messages.ts';
import { send, type AgentPool } from '../deliveries/sender.ts';
import type { ConnectorState } from './domain/evolve.ts';
import { openConfig } from './domain/notification.ts';
import { sendConnectorMail, type SmtpConfig } from './mail.ts';
import { prepareNotification } from './prepare.ts';

/** The test call's answer (004): whether the target took the message, its status, and why not. */
export type TestResult = { success: boolean; status_code: number | null; error: string | null };

const TEST_TIMEOUT_MS = 10_000;

/**
 * Sends one test notification to the connector's target now, through the same templates and
 * native format as its notifications, over an address-checked connection; answers what came back.
 * A test is not a delivery: it is not retried, and its outcome is the answer.
 */
export async function testConnector(c: ConnectorState, deps: { open: (s: string) => string; agents: AgentPool; policy: AddressPolicy }, now = Date.now()): Promise<TestResult> {
  const notice = { eventType: 'connector.test', eventId: randomUUID(), at: now, status: 'info',
    payload: { message: `Test notification from mittr for connector ${c.definition.name}`, status: 'info' } };
  let n;
  try { n = await prepareNotification(c, deps.open, notice); } catch (err) {
    return { success: false, status_code: null, error: `template failed: ${(err as Error).message}` };
  }
  if (n.kind === 'mail') {
    const r = await sendConnectorMail(openConfig(c.definition, deps.open) as SmtpConfig, n, deps.policy);
    return { success: r.ok, status_code: r.statusCode, error: r.error };
  }
  const headers = { ...n.headers, ...(bodiless(n.method) ? {} : { 'content-type': 'application/json' }), 'user-agent': 'mittr/0.1' };
  const r = await send(deps.agents.get(), n.url, headers, n.body, TEST_TIMEOUT_MS, n.method);
  if (r.statusCode === null) return { success: false, status_code: null, error: r.error || 'no answer' };
  const ok = r.statusCode >= 200 && r.statusCode < 300;
  return { success: ok, status_code: r.statusCode, error: ok ? null : `HTTP ${r.statusCode}${r.responseBody ? `: ${r.responseBody.slice(0, 200)}` : ''}` };
}
