/** Roles of a workspace member, least to most: a viewer reads, an editor changes, an admin holds the secrets and the team. */
export type Role = 'viewer' | 'editor' | 'admin';
export const ROLES: readonly Role[] = ['viewer', 'editor', 'admin'];

/** Whether a member holding `held` may call an operation that needs at least `needed`. */
export function atLeast(held: Role, needed: Role): boolean {
  return ROLES.indexOf(held) >= ROLES.indexOf(needed);
}
