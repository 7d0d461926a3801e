import { join } from 'node:path';
import ipaddr from 'ipaddr.js';
import { z } from 'zod';
import { PLAN_IDS } from '../../plans/domain/catalog.ts';
import { parseMasterKeys, type MasterKey } from '../crypto/envelope.ts';

/** Every setting mittr reads, validated once at boot; a bad value stops the process loudly. */
const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().default('127.0.0.1'),
  DATABASE_URL: z.string().url().default('postgres://mittr:mittr@127.0.0.1:5432/mittr'),
  /** Postgres schema holding the read models (tests give each spec file its own). */
  DATABASE_SCHEMA: z.string().regex(/^[a-z_][a-z0-9_]*$/).default('public'),
  KAFKA_BROKERS: z.string().default('127.0.0.1:9092'),
  /** Prefix of every topic name (tests give each spec file its own). */
  KAFKA_TOPIC_PREFIX: z.string().regex(/^[a-zA-Z0-9._-]*$/).default('mittr.'),
  KAFKA_PARTITIONS: z.coerce.number().int().min(1).max(1024).default(6),
  SCHEMA_REGISTRY_URL: z.string().url().default('http://127.0.0.1:8081/apis/ccompat/v7'),
  /**
   * Master keys (32 bytes each, base64 or hex): `kid1:<key>,kid2:<key>`, the first current (it
   * wraps new workspace data keys and seals secrets), the others still unwrapping what they
   * wrapped, so the master key can rotate; a single bare key is also taken (services/platform/crypto/envelope.ts).
   */
  MITTR_MASTER_KEY: z.string().min(1).optional(),
  /** Allow deliveries to loopback/private addresses (local development). */
  MITTR_ALLOW_PRIVATE_NETWORKS: z.enum(['true', 'false']).optional(),
  /**
   * Ranges beyond the public internet that deliveries may reach (comma-separated CIDRs), e.g. an
   * internal network of receivers. Only the operator opens these; an endpoint's allowedCidrs only narrow.
   */
  MITTR_ALLOWED_CIDRS: z.string().default('').transform((v) => v.split(',').map((c) => c.trim()).filter(Boolean))
    .refine((list) => list.every((c) => ipaddr.isValidCIDR(c)), 'must be comma-separated CIDRs such as 10.20.0.0/16,fd00::/8'),
  /** Extra CA certificates (PEM file) trusted for outbound deliveries, e.g. an internal CA. */
  MITTR_TLS_CA_FILE: z.string().optional(),
  MITTR_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Check every answer against its route's response schema (a mismatch answers 500); on by default under NODE_ENV=test. */
  MITTR_CHECK_RESPONSES: z.enum(['true', 'false']).optional(),
  MITTR_SEAL_DATA: z.enum(['true', 'false']).optional(),
  /** `mittr all`: the projectors on a thread of their own (default), or beside the router and engine (false). */
  MITTR_PROJECTOR_THREAD: z.enum(['true', 'false']).default('true'),
  /**
   * The relay mittr sends its e-mail through (verification, password reset, invitations), e.g.
   * smtp://user:pass@mail.internal:587 (STARTTLS when offered) or smtps://...:465 (TLS from the
   * start). Unset: each message is written as an .eml file under MITTR_HOME/mail/ instead
   * (services/platform/mail/mailer.ts), for local development.
   */
  SMTP_URL: z.string().url().refine((u) => /^smtps?:\/\//.test(u), 'must be an smtp:// or smtps:// URL').optional(),
  /** The From of every message mittr sends. */
  MITTR_MAIL_FROM: z.string().min(1).default('mittr <no-reply@mittr.local>'),
  /** Where people reach this mittr: the base of the links mailed to them (invitations, verification, resets). */
  MITTR_PUBLIC_URL: z.string().url().optional(),
  /** mittr's working folder (scripts/node-env.sh sets it); the .eml files land in its mail/. */
  MITTR_HOME: z.string().min(1).default('.mittr'),
  /**
   * The plan a new account is opened on (services/plans/domain/catalog.ts). A self-hosted
   * deployment limits nothing; a hosted one sets `free`.
   */
  MITTR_SIGNUP_PLAN: z.enum(PLAN_IDS).default('self-hosted'),
  /**
   * Signups let through per client address in an hour (each one hashes a password with argon2id,
   * which is slow on purpose): a flood from one address answers 429. 0 lets every one through
   * (the test harnesses, which sign up hundreds of workspaces from loopback).
   */
  MITTR_SIGNUPS_PER_ADDRESS_PER_HOUR: z.coerce.number().int().min(0).default(30),
  MITTR_INBOUND_REQUESTS_PER_MINUTE: z.coerce.number().int().min(1).default(60_000),
  /** The addresses deliveries leave from (comma-separated), shown to tenants for their firewalls (GET /egress-ips). */
  MITTR_EGRESS_IPS: z.string().default('').transform((v) => v.split(',').map((a) => a.trim()).filter(Boolean))
    .refine((list) => list.every((a) => ipaddr.IPv4.isValidFourPartDecimal(a) || ipaddr.IPv6.isValid(a)), 'must be comma-separated IP addresses such as 203.0.113.7,2001:db8::7'),
  /**
   * The bearer token GET /metrics (Prometheus) is served to: `Authorization: Bearer <token>`.
   * Unset: the route is not there (404). At least 16 characters, e.g. `openssl rand -hex 24`.
   */
  MITTR_METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters (openssl rand -hex 24)').regex(/^\S+$/, 'must hold no whitespace').optional(),
  /**
   * The port a process without the API (`mittr deliver`, `mittr route`, ...) serves GET /metrics
   * on, to the same token; a process with the API serves it on PORT and ignores this. Unset: such
   * a process serves no metrics.
   */
  MITTR_METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  /**
   * An OTLP/HTTP collector (e.g. http://otel-collector:4318): set, mittr exports traces to its
   * /v1/traces (services/platform/tracing/). Unset (or empty): no tracing, at no cost.
   */
  OTEL_EXPORTER_OTLP_ENDPOINT: z.preprocess((v) => (v === '' ? undefined : v), z.string().url().optional()),
  /** The service.name of mittr's spans. */
  OTEL_SERVICE_NAME: z.string().min(1).default('mittr'),
  /**
   * Single sign-on with Google (OpenID Connect): the OAuth client's id and secret. Both set, the
   * login page offers "Continue with Google". The issuer is Google's unless a test (or an
   * OIDC-compatible gateway) names another; http is accepted on loopback only.
   */
  MITTR_SSO_GOOGLE_CLIENT_ID: z.string().min(1).optional(),
  MITTR_SSO_GOOGLE_CLIENT_SECRET: z.string().min(1).optional(),
  MITTR_SSO_GOOGLE_ISSUER: z.string().url().default('https://accounts.google.com'),
  /** Single sign-on with GitHub (OAuth 2): the OAuth app's id and secret, and where GitHub is (GitHub Enterprise, or a test's loopback server). */
  MITTR_SSO_GITHUB_CLIENT_ID: z.string().min(1).optional(),
  MITTR_SSO_GITHUB_CLIENT_SECRET: z.string().min(1).optional(),
  MITTR_SSO_GITHUB_URL: z.string().url().default('https://github.com'),
  MITTR_SSO_GITHUB_API_URL: z.string().url().default('https://api.github.com'),
  /** Whether a Google or GitHub sign-in of an e-mail that no workspace claims opens a new workspace, as a signup does. */
  MITTR_SSO_SIGNUP: z.enum(['true', 'false']).default('true'),
  /**
   * Who takes the money (services/billing/): none (self-hosted: plans are assigned by
   * MITTR_SIGNUP_PLAN or POST /billing/update, nothing is charged) or stripe.
   */
  MITTR_BILLING_PROVIDER: z.enum(['none', 'stripe']).default('none'),
  STRIPE_SECRET_KEY: z.string().min(1).optional(),
  /** The signing secret (whsec_...) of the Stripe webhook endpoint that calls POST /api/v1/billing/webhooks/stripe. */
  STRIPE_WEBHOOK_SECRET: z.string().min(1).optional(),
  /** Where Stripe's API is: its own, or a test's stripe-mock on loopback. */
  STRIPE_API_URL: z.string().url().default('https://api.stripe.com'),
  /** The Stripe price of each plan and cycle: {"growth":{"monthly":"price_...","annual":"price_..."},"scale":{...}}. */
  MITTR_STRIPE_PRICES: z.string().optional(),
  /** Tax on what billing charges, in basis points (2000 = 20 %), for the previews. */
  MITTR_BILLING_TAX_BPS: z.coerce.number().int().min(0).max(10_000).default(0),
});

const StripePrices = z.object({
  growth: z.object({ monthly: z.string().min(1), annual: z.string().min(1) }),
  scale: z.object({ monthly: z.string().min(1), annual: z.string().min(1) }),
});
export type StripeConfig = { secretKey: string; webhookSecret: string; apiUrl: string; prices: z.infer<typeof StripePrices> };
/**
 * `renewEveryMs`: how often an API process renews the subscriptions of mittr's own clock whose
 * period ended (default a minute). Not from the environment: a spec renews within a second.
 */
export type BillingConfig = ({ provider: 'none' } | { provider: 'stripe'; stripe: StripeConfig }) & { taxRateBps: number; renewEveryMs?: number };

function billingConfig(e: { MITTR_BILLING_PROVIDER: 'none' | 'stripe'; STRIPE_SECRET_KEY?: string; STRIPE_WEBHOOK_SECRET?: string;
  STRIPE_API_URL: string; MITTR_STRIPE_PRICES?: string; MITTR_BILLING_TAX_BPS: number }): BillingConfig {
  if (e.MITTR_BILLING_PROVIDER === 'none') return { provider: 'none', taxRateBps: e.MITTR_BILLING_TAX_BPS };
  if (!e.STRIPE_SECRET_KEY || !e.STRIPE_WEBHOOK_SECRET || !e.MITTR_STRIPE_PRICES) {
    throw new ConfigError('MITTR_BILLING_PROVIDER=stripe needs STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET and MITTR_STRIPE_PRICES');
  }
  let prices: z.infer<typeof StripePrices>;
  try {
    prices = StripePrices.parse(JSON.parse(e.MITTR_STRIPE_PRICES));
  } catch {
    throw new ConfigError('MITTR_STRIPE_PRICES must be JSON: {"growth":{"monthly":"price_...","annual":"price_..."},"scale":{...}}');
  }
  return { provider: 'stripe', taxRateBps: e.MITTR_BILLING_TAX_BPS,
    stripe: { secretKey: e.STRIPE_SECRET_KEY, webhookSecret: e.STRIPE_WEBHOOK_SECRET, apiUrl: e.STRIPE_API_URL.replace(/\/+$/, ''), prices } };
}

/** An OAuth client mittr signs in with: the provider's address and the client's credentials (the secret is never logged). */
export type OAuthClientConfig = { url: string; clientId: string; clientSecret: string };
export type SsoConfig = {
  google: OAuthClientConfig | undefined;
  github: (OAuthClientConfig & { apiUrl: string }) | undefined;
  signupAllowed: boolean;
};

const oauthClient = (url: string, clientId: string | undefined, clientSecret: string | undefined, name: string): OAuthClientConfig | undefined => {
  if ((clientId === undefined) !== (clientSecret === undefined)) throw new ConfigError(`MITTR_SSO_${name}_CLIENT_ID and MITTR_SSO_${name}_CLIENT_SECRET go together`);
  const { protocol, hostname } = new URL(url);
  if (protocol !== 'https:' && !(protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(hostname))) throw new ConfigError(`MITTR_SSO_${name} URLs must be https (http on loopback only)`);
  return clientId === undefined ? undefined : { url: url.replace(/\/+$/, ''), clientId, clientSecret: clientSecret! };
};

export type Config = {
  env: 'development' | 'production' | 'test';
  port: number;
  host: string;
  databaseUrl: string;
  databaseSchema: string;
  kafkaBrokers: string[];
  topicPrefix: string;
  partitions: number;
  registryUrl: string;
  /** The current master key (MITTR_MASTER_KEY's first). */
  masterKey: Buffer;
  /** Every master key MITTR_MASTER_KEY names, the current one first. */
  masterKeys: MasterKey[];
  allowPrivateNetworks: boolean;
  /** MITTR_ALLOWED_CIDRS: what deliveries may reach besides public addresses. */
  allowedCidrs: string[];
  logLevel: string;
  tlsCaFile: string | undefined;
  /** MITTR_CHECK_RESPONSES (services/platform/http/response-check.ts). */
  checkResponses: boolean;
  /**
   * Whether personal and customer fields are sealed under their workspace's data key before they
   * are written (services/data-keys). Off unless MITTR_SEAL_DATA=true (on under NODE_ENV=test, so
   * every spec runs sealed): with every destination URL sealed too, it cost 11-14 % of the e2e
   * bench's deliveries/s against the commit before (two alternating sessions), over the 10 % a
   * change may cost. Records sealed while it was on are opened either way.
   */
  sealData: boolean;
  /**
   * MITTR_PROJECTOR_THREAD: whether `mittr all` runs the projectors on a thread of their own. In
   * e2e the one processing thread was the bottleneck (router, engine and projectors on one core)
   * while the API's sat idle after ingest; on their own, the projection lag p99 fell from about
   * 2 s to about 1 s, at about 45 MB more peak RSS (a third V8 heap).
   */
  projectorThread: boolean;
  /** SMTP_URL; undefined: mail is written to `mailDir` instead of sent. */
  smtpUrl: string | undefined;
  /** MITTR_MAIL_FROM. */
  mailFrom: string;
  /** MITTR_PUBLIC_URL, or http://HOST:PORT: the base of mailed links (no trailing slash). */
  publicUrl: string;
  /** MITTR_HOME/mail: where unsent (development) mail is written. */
  mailDir: string;
  /** MITTR_SIGNUP_PLAN. */
  signupPlan: (typeof PLAN_IDS)[number];
  /** MITTR_EGRESS_IPS; empty when unset. */
  egressIps: string[];
  /** MITTR_SIGNUPS_PER_ADDRESS_PER_HOUR; 0: unlimited. */
  signupsPerAddressPerHour: number;
  /** MITTR_INBOUND_REQUESTS_PER_MINUTE: what one inbound endpoint's receiver URL takes, per API process, before 429. */
  inboundRequestsPerMinute: number;
  /** MITTR_METRICS_TOKEN; undefined: no /metrics. */
  metricsToken: string | undefined;
  /** MITTR_METRICS_PORT: where a process without the API serves /metrics; undefined: it does not. */
  metricsPort: number | undefined;
  /**
   * The stats stream's pace and its slow-client bound (services/stats/stream.ts), when not its
   * defaults. Not from the environment: a spec sets it to drop a slow client in seconds, not minutes.
   */
  statsStream?: { everyMs?: number; maxUnsentBytes?: number };
  /**
   * How often the alert evaluator evaluates every enabled rule (services/alerting/evaluator.ts),
   * when not its default (10 s). Not from the environment: a spec evaluates every second.
   */
  alerting?: { evaluateEveryMs?: number };
  /** OTEL_EXPORTER_OTLP_ENDPOINT; undefined: no tracing. */
  otlpEndpoint: string | undefined;
  /** OTEL_SERVICE_NAME. */
  serviceName: string;
  /** MITTR_SSO_*: the social sign-ins offered (services/sso/). */
  sso: SsoConfig;
  /** MITTR_BILLING_PROVIDER and its settings (services/billing/). */
  billing: BillingConfig;
};

/** Development-only key, so `npm run up` works without setup; production refuses it. */
const DEV_MASTER_KEY = Buffer.alloc(32, 7).toString('base64');

export class ConfigError extends Error {}

function parseKey(raw: string): Buffer {
  const key = /^[0-9a-f]{64}$/i.test(raw) ? Buffer.from(raw, 'hex') : Buffer.from(raw, 'base64');
  if (key.length !== 32) throw new ConfigError('MITTR_MASTER_KEY must be 32 bytes, base64 or hex');
  return key;
}

function parseRing(raw: string): MasterKey[] {
  try {
    return parseMasterKeys(raw);
  } catch (err) {
    throw new ConfigError(err instanceof Error ? err.message : String(err));
  }
}

/**
 * Keys anyone can read in this repository (the development default, docker-compose's old
 * default): secrets sealed with them are not secret, so production refuses to start with one.
 */
const PUBLISHED_KEYS = [DEV_MASTER_KEY, '6d697474722d646f636b65722d636f6d706f73652d6465762d6b65792d303031'].map(parseKey);

/** Reads and validates the environment. Throws ConfigError naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  if (e.NODE_ENV === 'production' && !e.MITTR_MASTER_KEY) {
    throw new ConfigError('MITTR_MASTER_KEY is required when NODE_ENV=production');
  }
  if (e.MITTR_METRICS_PORT !== undefined && e.MITTR_METRICS_TOKEN === undefined) {
    throw new ConfigError('MITTR_METRICS_PORT needs MITTR_METRICS_TOKEN: the metrics are served only to that bearer token');
  }
  const masterKeys = parseRing(e.MITTR_MASTER_KEY ?? `dev:${DEV_MASTER_KEY}`);
  const masterKey = masterKeys[0]!.key;
  if (e.NODE_ENV === 'production' && masterKeys.some((m) => PUBLISHED_KEYS.some((k) => k.equals(m.key)))) {
    throw new ConfigError('MITTR_MASTER_KEY is a published development key; generate one for production (openssl rand -base64 32)');
  }
  return {
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    databaseSchema: e.DATABASE_SCHEMA,
    kafkaBrokers: e.KAFKA_BROKERS.split(',').map((s) => s.trim()).filter(Boolean),
    topicPrefix: e.KAFKA_TOPIC_PREFIX,
    partitions: e.KAFKA_PARTITIONS,
    registryUrl: e.SCHEMA_REGISTRY_URL,
    masterKey,
    masterKeys,
    // Safe by default: only an explicit opt-in (as `npm run up` gives) reaches private networks.
    allowPrivateNetworks: e.MITTR_ALLOW_PRIVATE_NETWORKS === 'true',
    allowedCidrs: e.MITTR_ALLOWED_CIDRS,
    logLevel: e.MITTR_LOG_LEVEL,
    tlsCaFile: e.MITTR_TLS_CA_FILE,
    checkResponses: (e.MITTR_CHECK_RESPONSES ?? (e.NODE_ENV === 'test' ? 'true' : 'false')) === 'true',
    sealData: (e.MITTR_SEAL_DATA ?? (e.NODE_ENV === 'test' ? 'true' : 'false')) === 'true',
    projectorThread: e.MITTR_PROJECTOR_THREAD === 'true',
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MITTR_MAIL_FROM,
    publicUrl: (e.MITTR_PUBLIC_URL ?? `http://${e.HOST}:${e.PORT}`).replace(/\/+$/, ''),
    mailDir: join(e.MITTR_HOME, 'mail'),
    signupPlan: e.MITTR_SIGNUP_PLAN,
    egressIps: e.MITTR_EGRESS_IPS,
    signupsPerAddressPerHour: e.MITTR_SIGNUPS_PER_ADDRESS_PER_HOUR,
    inboundRequestsPerMinute: e.MITTR_INBOUND_REQUESTS_PER_MINUTE,
    metricsToken: e.MITTR_METRICS_TOKEN,
    metricsPort: e.MITTR_METRICS_PORT,
    otlpEndpoint: e.OTEL_EXPORTER_OTLP_ENDPOINT,
    serviceName: e.OTEL_SERVICE_NAME,
    sso: {
      google: oauthClient(e.MITTR_SSO_GOOGLE_ISSUER, e.MITTR_SSO_GOOGLE_CLIENT_ID, e.MITTR_SSO_GOOGLE_CLIENT_SECRET, 'GOOGLE'),
      github: ((c) => c && { ...c, apiUrl: oauthClient(e.MITTR_SSO_GITHUB_API_URL, c.clientId, c.clientSecret, 'GITHUB_API')!.url })(
        oauthClient(e.MITTR_SSO_GITHUB_URL, e.MITTR_SSO_GITHUB_CLIENT_ID, e.MITTR_SSO_GITHUB_CLIENT_SECRET, 'GITHUB')),
      signupAllowed: e.MITTR_SSO_SIGNUP === 'true',
    },
    billing: billingConfig(e),
  };
}
