import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

const base = { DATABASE_URL: 'postgres://x', KAFKA_BROKERS: '127.0.0.1:9092', SCHEMA_REGISTRY_URL: 'http://127.0.0.1:8081' };

describe('the master key', () => {
  it('given development and no key, uses the development key', () => {
    expect(loadConfig({ ...base, NODE_ENV: 'development' }).masterKey).toHaveLength(32);
  });

  it('given production and a published development key, in either encoding, refuses to start', () => {
    const dev = Buffer.alloc(32, 7);
    for (const key of [dev.toString('base64'), dev.toString('hex'), '6d697474722d646f636b65722d636f6d706f73652d6465762d6b65792d303031']) {
      expect(() => loadConfig({ ...base, NODE_ENV: 'production', MITTR_MASTER_KEY: key })).toThrow(ConfigError);
      expect(() => loadConfig({ ...base, NODE_ENV: 'production', MITTR_MASTER_KEY: key })).toThrow(/published development key/);
    }
  });

  it('given production and a key of its own, starts; without one, refuses', () => {
    const own = randomBytes(32);
    expect(loadConfig({ ...base, NODE_ENV: 'production', MITTR_MASTER_KEY: own.toString('base64') }).masterKey.equals(own)).toBe(true);
    expect(() => loadConfig({ ...base, NODE_ENV: 'production' })).toThrow(/required/);
  });

  it('given a key ring kid:key,..., the first is current and every one is kept for unwrapping', () => {
    const [a, b] = [randomBytes(32), randomBytes(32)];
    const c = loadConfig({ ...base, NODE_ENV: 'production', MITTR_MASTER_KEY: `new:${a.toString('base64')},old:${b.toString('hex')}` });
    expect(c.masterKey.equals(a)).toBe(true);
    expect(c.masterKeys.map((k) => k.id)).toEqual(['new', 'old']);
    expect(c.masterKeys[1]!.key.equals(b)).toBe(true);
  });

  it('given production and a ring holding a published key anywhere, or a bad key in it, refuses to start', () => {
    const own = randomBytes(32).toString('base64');
    expect(() => loadConfig({ ...base, NODE_ENV: 'production', MITTR_MASTER_KEY: `a:${own},b:${Buffer.alloc(32, 7).toString('base64')}` })).toThrow(/published/);
    expect(() => loadConfig({ ...base, NODE_ENV: 'production', MITTR_MASTER_KEY: `a:${own},b:c2hvcnQ=` })).toThrow(ConfigError);
  });
});

describe('what deliveries may reach', () => {
  it('given no setting, then only public addresses: private networks closed, no operator ranges', () => {
    expect(loadConfig(base)).toMatchObject({ allowPrivateNetworks: false, allowedCidrs: [] });
  });
  it('given MITTR_ALLOWED_CIDRS, then its ranges are read; a value that is not CIDRs stops the boot', () => {
    expect(loadConfig({ ...base, MITTR_ALLOWED_CIDRS: ' 10.20.0.0/16, fd00::/8 ' }).allowedCidrs).toEqual(['10.20.0.0/16', 'fd00::/8']);
    expect(() => loadConfig({ ...base, MITTR_ALLOWED_CIDRS: '10.20.0.0/16,intranet' })).toThrow(/MITTR_ALLOWED_CIDRS/);
  });
});

describe('e-mail', () => {
  it('given no setting, then mail is written under .mittr/mail/ from mittr <no-reply@mittr.local>', () => {
    expect(loadConfig(base)).toMatchObject({ smtpUrl: undefined, mailFrom: 'mittr <no-reply@mittr.local>', mailDir: '.mittr/mail' });
  });
  it('given SMTP_URL, MITTR_MAIL_FROM and MITTR_HOME, then they are read; a URL that is not SMTP stops the boot', () => {
    const env = { ...base, SMTP_URL: 'smtps://u:p@mail.test:465', MITTR_MAIL_FROM: 'Acme <ops@acme.test>', MITTR_HOME: '/srv/mittr' };
    expect(loadConfig(env)).toMatchObject({ smtpUrl: 'smtps://u:p@mail.test:465', mailFrom: 'Acme <ops@acme.test>', mailDir: '/srv/mittr/mail' });
    expect(loadConfig({ ...base, SMTP_URL: 'smtp://127.0.0.1:2525' }).smtpUrl).toBe('smtp://127.0.0.1:2525');
    expect(() => loadConfig({ ...base, SMTP_URL: 'http://mail.test' })).toThrow(/SMTP_URL/);
  });
});

describe('plans and egress', () => {
  it('given no setting, then accounts open on self-hosted (unlimited) and no egress address is shown', () => {
    expect(loadConfig(base)).toMatchObject({ signupPlan: 'self-hosted', egressIps: [] });
  });

  it('given a hosted deployment, then its plan and addresses are read; an unknown plan or address refuses to start', () => {
    expect(loadConfig({ ...base, MITTR_SIGNUP_PLAN: 'free', MITTR_EGRESS_IPS: ' 203.0.113.7, 2001:db8::7 ' }))
      .toMatchObject({ signupPlan: 'free', egressIps: ['203.0.113.7', '2001:db8::7'] });
    expect(() => loadConfig({ ...base, MITTR_SIGNUP_PLAN: 'platinum' })).toThrow(/MITTR_SIGNUP_PLAN/);
    expect(() => loadConfig({ ...base, MITTR_EGRESS_IPS: '203.0.113.0/24' })).toThrow(/MITTR_EGRESS_IPS/);
    expect(() => loadConfig({ ...base, MITTR_EGRESS_IPS: '1' })).toThrow(/MITTR_EGRESS_IPS/);
  });
});

describe('single sign-on', () => {
  it('given no client, then no social sign-in; a Google client is Google\'s unless an issuer is named', () => {
    expect(loadConfig(base).sso).toEqual({ google: undefined, github: undefined, signupAllowed: true });
    expect(loadConfig({ ...base, MITTR_SSO_GOOGLE_CLIENT_ID: 'id', MITTR_SSO_GOOGLE_CLIENT_SECRET: 's' }).sso.google)
      .toEqual({ url: 'https://accounts.google.com', clientId: 'id', clientSecret: 's' });
    expect(loadConfig({ ...base, MITTR_SSO_GITHUB_CLIENT_ID: 'id', MITTR_SSO_GITHUB_CLIENT_SECRET: 's', MITTR_SSO_SIGNUP: 'false' }).sso)
      .toMatchObject({ github: { url: 'https://github.com', apiUrl: 'https://api.github.com' }, signupAllowed: false });
  });

  it('given half a client, or a provider over http off loopback, then mittr refuses to start', () => {
    expect(() => loadConfig({ ...base, MITTR_SSO_GOOGLE_CLIENT_ID: 'id' })).toThrow(/go together/);
    expect(() => loadConfig({ ...base, MITTR_SSO_GITHUB_CLIENT_ID: 'id', MITTR_SSO_GITHUB_CLIENT_SECRET: 's', MITTR_SSO_GITHUB_API_URL: 'http://ghe.internal' })).toThrow(/https/);
    expect(loadConfig({ ...base, MITTR_SSO_GOOGLE_CLIENT_ID: 'id', MITTR_SSO_GOOGLE_CLIENT_SECRET: 's', MITTR_SSO_GOOGLE_ISSUER: 'http://127.0.0.1:4000' }).sso.google?.url).toBe('http://127.0.0.1:4000');
  });
});

describe('sealing personal data', () => {
  it('is opt-in outside tests (MITTR_SEAL_DATA=true), on under NODE_ENV=test so every spec runs sealed', () => {
    for (const NODE_ENV of ['development', 'production', 'test'] as const) {
      const env = { ...base, NODE_ENV, MITTR_MASTER_KEY: randomBytes(32).toString('base64') };
      expect(loadConfig(env).sealData).toBe(NODE_ENV === 'test');
      expect(loadConfig({ ...env, MITTR_SEAL_DATA: 'true' }).sealData).toBe(true);
      expect(loadConfig({ ...env, MITTR_SEAL_DATA: 'false' }).sealData).toBe(false);
    }
  });
});
