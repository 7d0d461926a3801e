import type { ConfigField } from '../verify/types.ts';

/** The sourceConfig field most presets read: the signing secret (a list of them while rotating). */
export const secret = (description: string, name = 'secret'): ConfigField => ({ name, description: `${description} (a list of them while rotating)`, required: true, secret: true });

export const token = (description: string, name = 'token'): ConfigField => ({ name, description: `${description} (a list of them while rotating)`, required: true, secret: true });

export const publicKey = (description: string, name = 'publicKey'): ConfigField => ({ name, description, required: true, secret: false });

export const basicAuth: ConfigField[] = [
  { name: 'username', description: 'The HTTP Basic user name configured at the provider', required: true, secret: false },
  { name: 'password', description: 'The HTTP Basic password configured at the provider (a list of them while rotating)', required: true, secret: true },
];

/** For generic presets: which header carries the signature or token (lower-case), when not the default. */
export const headerName = (fallback: string): ConfigField => ({ name: 'header', description: `The header name, default ${fallback}`, required: false, secret: false });
