/** What the receiver saw, exactly: verification and forwarding both read these bytes. */
export type InboundRequest = {
  method: string;
  /** The full URL the provider called (scheme, host, path, query) as the provider saw it: Twilio signs it. */
  url: string;
  /** Lower-cased header names; a repeated header's values joined with ', '. */
  headers: Readonly<Record<string, string | undefined>>;
  /** The raw body, byte for byte as received. */
  rawBody: Buffer;
};

export type Refusal =
  | 'missing_signature'
  | 'bad_signature'
  | 'stale_timestamp'
  | 'missing_credentials'
  | 'bad_credentials'
  | 'misconfigured';

export type Verdict =
  | {
      ok: true;
      /** the provider's delivery id, when its scheme has one: dedupes retries */
      deliveryId?: string;
      /** the event type the provider names in a header (or a body field), if any */
      eventType?: string;
    }
  | { ok: false; reason: Refusal; detail: string };

export type Refused = Extract<Verdict, { ok: false }>;

export type ConfigField = { name: string; description: string; required: boolean; secret: boolean };

export type HashAlgorithm = 'sha1' | 'sha256' | 'sha512' | 'md5';
/** How a signature (or a key) is written: hex, base64 (also accepts base64url), base64url. */
export type Encoding = 'hex' | 'base64' | 'base64url';
/** How a secret typed by the user becomes key bytes: as text, or decoded. */
export type SecretEncoding = 'utf8' | 'hex' | 'base64';
/** Unix seconds, Unix milliseconds, or an RFC 3339 date. */
export type TimestampFormat = 'unix-s' | 'unix-ms' | 'iso8601';

/**
 * A template of the signed content: literal text with `{body}` (the raw bytes), `{timestamp}`
 * (the value as sent), `{id}` (the id header's value), `{url}`, `{method}` and `{header:name}`.
 */
export type Recipe = string;

/** Where a scheme's timestamp is read, and how much clock skew it accepts (both directions). */
export type Freshness = {
  timestampHeader?: string;
  /** A top-level JSON field of the body (Linear's `webhookTimestamp`). */
  timestampField?: string;
  timestampFormat?: TimestampFormat;
  /** Default 300 (5 minutes). */
  toleranceSeconds?: number;
};

/** Plain HMAC of a recipe, the signature in one or more headers (or a query parameter). */
export type HmacParams = Freshness & {
  mode: 'hmac';
  algorithm: HashAlgorithm;
  /** Header(s) carrying the signature; any of them may match (DocuSign, Box send two). */
  header: string | readonly string[];
  /** A config field whose value, when set, names the header instead (generic presets). */
  headerField?: string;
  /** The signature from a query parameter instead of a header (PandaDoc). */
  queryParam?: string;
  encoding: Encoding;
  /** Text before the signature, e.g. `sha256=`, `v0=` (case-insensitive). */
  prefix?: string;
  /** The header holds several signatures separated by this (PagerDuty: `,`). */
  listSeparator?: string;
  recipe?: Recipe;
  secretEncoding?: SecretEncoding;
  /** Config fields holding keys; default `['secret']`. */
  secretFields?: readonly string[];
};

/** A header of key=value pairs carrying a timestamp and one or more signatures (Stripe, Paddle, Mux). */
export type KeyedHeaderParams = Freshness & {
  mode: 'keyed-header';
  algorithm: HashAlgorithm;
  header: string;
  /** Between pairs: `,` for Stripe, `;` for Paddle. Whitespace around pairs is ignored. */
  pairSeparator: string;
  timestampKey: string;
  /** The key of each signature value: `v1` for Stripe, `h1` for Paddle. */
  signatureKey: string;
  encoding: Encoding;
  recipe: Recipe;
  secretEncoding?: SecretEncoding;
};

/** Standard Webhooks (Svix): `webhook-*` or `svix-*` headers, `v1,` base64 signatures, whsec_ keys. */
export type StandardWebhooksParams = {
  mode: 'standard-webhooks';
  /** `webhook` (the spec) or `svix`. */
  headerPrefix: 'webhook' | 'svix';
  /** `whsec` (base64 after an optional `whsec_`), or `utf8-or-whsec`: the text itself, and its base64 decoding when it has one (Polar's SDK tries both). */
  secretFormat?: 'whsec' | 'utf8-or-whsec';
  toleranceSeconds?: number;
};

/** Twilio's HMAC-SHA1 of the URL then the sorted form params (also Mandrill's scheme). */
export type UrlParamsParams = {
  mode: 'url-params';
  header: string;
  secretField: string;
  /** Twilio's JSON bodies: the URL carries `bodySHA256` and only the URL is signed. */
  bodySha256Param?: boolean;
};

export type AsymmetricParams = Freshness & {
  mode: 'ed25519' | 'ecdsa';
  header: string;
  encoding: Encoding;
  recipe: Recipe;
  /** The config field holding the public key (ed25519: 32 raw bytes hex or base64; ecdsa: SPKI DER base64 or PEM). */
  keyField: string;
  keyEncoding?: Encoding;
};

export type BasicAuthParams = { mode: 'basic-auth' };

/** A shared token in a header, optionally after a scheme (`Bearer `). */
export type TokenHeaderParams = { mode: 'token-header'; header: string; headerField?: string; scheme?: string; tokenField?: string };

export type QueryTokenParams = { mode: 'query-token'; param: string; paramField?: string; tokenField?: string };

/** Mailgun signs `timestamp + token` and sends all three in the body. */
export type MailgunParams = { mode: 'mailgun'; toleranceSeconds?: number };

/** Adyen signs fields of each notification item; the signature is in the body. */
export type AdyenParams = { mode: 'adyen' };

/** No verification at all: only ever chosen by name, never a default. */
export type NoneParams = { mode: 'none' };

export type ModeParams =
  | HmacParams
  | KeyedHeaderParams
  | StandardWebhooksParams
  | UrlParamsParams
  | AsymmetricParams
  | BasicAuthParams
  | TokenHeaderParams
  | QueryTokenParams
  | MailgunParams
  | AdyenParams
  | NoneParams;

export type ModeName = ModeParams['mode'];

/** Where a verified request's delivery id and event type are read, when the provider sends them. */
export type Naming = {
  idHeader?: string;
  eventTypeHeader?: string;
  /** Top-level JSON fields of the body, when the provider has no header for them (Stripe: `id`, `type`). */
  idField?: string;
  eventTypeField?: string;
};

/**
 * An endpoint-validation exchange a provider runs on a verified request, which wants a particular
 * answer instead of 202 and is not an event to forward: Slack's url_verification, Twitch's
 * webhook_callback_verification, Zoom's endpoint.url_validation, Discord's PING.
 */
export type Handshake = 'slack-url-verification' | 'twitch-challenge' | 'zoom-url-validation' | 'discord-ping';

export type Preset = Naming & { handshake?: Handshake } &
  ModeParams & {
    /** URL-safe slug, unique: what an inbound endpoint's `source` names. */
    source: string;
    name: string;
    description: string;
    /** The sourceConfig fields this preset reads. */
    fields: ConfigField[];
  };

/**
 * A mode sees the preset's parameters, the user's config and the request; it answers a refusal,
 * or an acceptance (with the delivery id or event type only its scheme knows, Mailgun's token),
 * or undefined for a plain acceptance.
 */
export type ModeCheck<P> = (params: P, config: Readonly<Record<string, unknown>>, req: InboundRequest, nowMs: number) => Verdict | undefined;
