/** A dispatch and its attempts (schemas/deliveries/). Epoch milliseconds. */
export type DeliveryRequested = {
  type: 'DeliveryRequested';
  dispatchId: string; eventId: string; accountId: string; projectId: string;
  endpointId: string | null; eventType: string | null; url: string; payload: string;
  headers: Record<string, string>; attempt: number; maxAttempts: number; priority: number;
  dueAt: number; createdAt: number; fifo: boolean;
  /** Absent when written: POST (the schema's default), as every record before the field existed reads. */
  method?: HttpMethod;
  /** A connector's notification (null or absent otherwise): its own rate limit and circuit breaker in the engine. */
  connectorId?: string | null;
};
/** The methods a delivery may be sent with; GET and DELETE carry no body. */
export const HTTP_METHODS = ['POST', 'PUT', 'PATCH', 'GET', 'DELETE'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];
/** GET and DELETE go without a body (RFC 9110: a body there has no defined meaning, and proxies drop it). */
export const bodiless = (method: HttpMethod): boolean => method === 'GET' || method === 'DELETE';
export type AttemptOutcome = 'success' | 'failure' | 'timeout';
export type AttemptDisposition = 'delivered' | 'retry' | 'dead';
export type DeliveryAttempted = {
  type: 'DeliveryAttempted';
  attemptId: string; dispatchId: string; eventId: string; accountId: string; projectId: string;
  endpointId: string | null; eventType: string | null; url: string;
  attemptNumber: number; maxAttempts: number;
  outcome: AttemptOutcome; disposition: AttemptDisposition;
  statusCode: number | null; responseBody: string; error: string; errorCategory: string | null;
  durationMs: number; processingOverheadUs: number; attemptedAt: number;
  nextAttemptAt: number | null; eventCreatedAt: number;
};
export type DeliveryMessage = DeliveryRequested | DeliveryAttempted;
export const DELIVERY_MESSAGE_TYPES = ['DeliveryRequested', 'DeliveryAttempted'] as const satisfies readonly DeliveryMessage['type'][];
