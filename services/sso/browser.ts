import type { FastifyReply, FastifyRequest } from 'fastify';
import { setSessionCookie } from '../accounts/authenticate.ts';
import type { OpenedSession } from '../accounts/login.ts';
import { isDomainError } from '../platform/domain/errors.ts';
import type { ApiContext } from '../platform/http/context.ts';

/**
 * The browser legs of SSO end in a redirect, never in JSON: to the dashboard with the session
 * cookie, or back to the login page with a stable error code (`/login?error=invalid_state`).
 */
export function browserLegs(ctx: ApiContext) {
  const loginPage = (error: string) => `${ctx.config.publicUrl}/login?error=${encodeURIComponent(error)}`;

  function signedIn(reply: FastifyReply, s: OpenedSession): FastifyReply {
    return setSessionCookie(reply, ctx.config.env === 'production', s).redirect(`${ctx.config.publicUrl}/`, 302);
  }

  /** Any failure of a flow: its reason (or its domain code) on the login page; the unexpected is logged, without the request. */
  function failed(req: FastifyRequest, reply: FastifyReply, err: unknown): FastifyReply {
    if (isDomainError(err)) {
      const reason = typeof err.details?.reason === 'string' ? err.details.reason : err.code.toLowerCase();
      req.log.info({ reason, message: err.message }, 'sso sign-in refused');
      return reply.redirect(loginPage(reason), 302);
    }
    req.log.error({ message: (err as Error).message }, 'sso sign-in failed');
    return reply.redirect(loginPage('sso_failed'), 302);
  }

  return { signedIn, failed };
}
