/** The gdpr room's events (schemas/gdpr/*.avsc). */
export type WorkspaceErased = {
  type: 'WorkspaceErased';
  accountId: string;
  projectIds: string[];
  /** The id of the user, or of the API key, that asked; never a name or an address. */
  requestedBy: string | null;
  erasedAt: number;
};
export type GdprMessage = WorkspaceErased;
export const GDPR_MESSAGE_TYPES = ['WorkspaceErased'] as const;
