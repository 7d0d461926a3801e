import type { InboundRequest, Recipe } from './types.ts';

export type RecipeValues = { timestamp?: string; id?: string };

const PLACEHOLDER = /\{(body|timestamp|id|url|method|header:[a-z0-9-]+)\}/g;

/**
 * The bytes a provider signs, built from its recipe: the body stays raw bytes (never re-encoded),
 * the rest is UTF-8 text. A placeholder whose value is absent contributes nothing.
 */
export function signedContent(recipe: Recipe, req: InboundRequest, values: RecipeValues): Buffer {
  const parts: Buffer[] = [];
  let last = 0;
  for (const match of recipe.matchAll(PLACEHOLDER)) {
    parts.push(Buffer.from(recipe.slice(last, match.index), 'utf8'));
    parts.push(valueOf(match[1] ?? '', req, values));
    last = match.index + match[0].length;
  }
  parts.push(Buffer.from(recipe.slice(last), 'utf8'));
  return Buffer.concat(parts);
}

function valueOf(name: string, req: InboundRequest, values: RecipeValues): Buffer {
  if (name === 'body') return req.rawBody;
  const text = name === 'timestamp' ? values.timestamp
    : name === 'id' ? values.id
    : name === 'url' ? req.url
    : name === 'method' ? req.method.toUpperCase()
    : req.headers[name.slice('header:'.length)];
  return Buffer.from(text ?? '', 'utf8');
}
