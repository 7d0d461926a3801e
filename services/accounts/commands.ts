import { createHash, randomUUID } from 'node:crypto';
import { DomainError } from '../platform/domain/errors.ts';
import type { ApiContext } from '../platform/http/context.ts';
import { hashPassword } from '../platform/security/passwords.ts';
import { newApiKey, newSigningSecret, secretView } from '../platform/security/secrets.ts';
import { decideCreateKey, decideRevokeKey, type CreateKeyInput } from './domain/api-keys.ts';
import { decideSignup, rotateAccountSecret } from './domain/decide.ts';
import { appendAccounts } from './append.ts';
import { AccountReservations } from './reservations.ts';
import { SignupThrottle } from './throttles.ts';

/** The accounts' commands: decide (pure, in domain/) → reserve → append and apply to this process's store (appendAccounts). */
export function accountCommands(ctx: ApiContext) {
  const reservations = new AccountReservations(ctx.db, ctx.config.masterKeys);
  const throttle = new SignupThrottle(ctx.config.signupsPerAddressPerHour);

  /**
   * Opens an account: the e-mail is reserved first, so two signups with it cannot both succeed.
   * A client address over its signups an hour is answered 429 before any password is hashed.
   */
  async function signup(input: { email: string; password: string; companyName?: string }, address: string) {
    const wait = throttle.take(address, Date.now());
    if (wait > 0) {
      const retryAfterSeconds = Math.ceil(wait / 1000);
      throw new DomainError('RATE_LIMITED', `too many signups from this address; retry in ${retryAfterSeconds} s`, { retryAfterSeconds });
    }
    const key = newApiKey();
    const signingSecret = newSigningSecret();
    const events = decideSignup({
      email: input.email, companyName: input.companyName, passwordHash: await hashPassword(input.password),
      signingSecretEnc: ctx.secrets.seal(signingSecret), keyHash: key.hash, keyPrefix: key.prefix, plan: ctx.config.signupPlan,
    }, { now: Date.now(), newId: randomUUID });
    const [account] = events;
    const { accountId, email } = account;
    if (!(await reservations.reserveEmail(email, accountId))) throw new DomainError('CONFLICT', 'an account with this email already exists');
    await appendAccounts(ctx, accountId, events, { release: () => reservations.releaseEmail(email, accountId) });
    return { account, apiKey: key.key, signingSecret };
  }

  /**
   * Replaces the workspace's global signing secret. "This secret is replaced once" is reserved,
   * so a concurrent rotation answers CONFLICT instead of handing out a secret that never signs.
   */
  async function rotateGlobalSecret(accountId: string) {
    const account = ctx.store.state.accounts.get(accountId);
    if (!account) throw new DomainError('NOT_FOUND', 'account not found');
    const now = Date.now();
    const event = rotateAccountSecret(accountId, account, ctx.secrets.seal(newSigningSecret()), now);
    const replaces = createHash('sha256').update(account.signingSecretEnc).digest('hex');
    if (!(await reservations.reserveRotation(accountId, replaces))) {
      throw new DomainError('CONFLICT', 'the signing secret was rotated concurrently; read it again and retry');
    }
    await appendAccounts(ctx, accountId, [event], { release: () => reservations.releaseRotation(accountId, replaces) });
    return secretView(ctx.secrets, event, now);
  }

  /** Issues a key; the raw key is answered this once and only its hash is kept. */
  async function createKey(accountId: string, input: CreateKeyInput, createdBy: string | null = null) {
    const key = newApiKey();
    const projects = ctx.store.state.accounts.projects.list(accountId).map((p) => p.projectId);
    const event = { ...decideCreateKey(accountId, input, { hash: key.hash, prefix: key.prefix }, { now: Date.now(), newId: randomUUID }, projects), createdBy };
    await appendAccounts(ctx, accountId, [event], { ids: [accountId, event.keyId] });
    return { event, key: key.key };
  }

  /** Revokes a key: this process refuses it at once, every other one as soon as it folds the record. */
  async function revokeKey(accountId: string, keyId: string) {
    const event = decideRevokeKey(accountId, ctx.store.state.accounts.keysOf(accountId), keyId, Date.now());
    await appendAccounts(ctx, accountId, [event], { ids: [accountId, keyId] });
  }

  /** Names the workspace's company at the end of onboarding. */
  async function completeOnboarding(accountId: string, companyName: string) {
    const name = companyName.trim();
    if (!name) throw new DomainError('VALIDATION_ERROR', 'companyName must not be blank');
    const event = { type: 'AccountOnboarded' as const, accountId, companyName: name, onboardedAt: Date.now() };
    await appendAccounts(ctx, accountId, [event]);
    return event;
  }

  return { signup, rotateGlobalSecret, createKey, revokeKey, completeOnboarding };
}
