import { api, ok, setCsrf, setProject, type Answer } from './api.ts';

export type Session = Answer<'/auth/session', 'get'>;

/** The session of the cookie, if any; the CSRF token and default project are taken from it. */
export async function loadSession(): Promise<Session | undefined> {
  const r = await api.GET('/auth/session');
  if (r.response.status === 401) return undefined;
  return adopt(ok(r));
}

export function adopt(s: Session): Session {
  setCsrf(s.csrfToken);
  setProject(sessionStorage.getItem('mittr.project') ?? s.workspace.projectId);
  return s;
}

export async function logIn(email: string, password: string): Promise<Session> {
  return adopt(ok(await api.POST('/auth/login', { body: { email, password } })));
}

export async function logOut(): Promise<void> {
  await api.DELETE('/auth/session');
  setCsrf('');
}
