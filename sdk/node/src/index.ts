import { Http, type ClientOptions } from './http.ts';
import { deliveriesResource, endpointsResource, eventsResource, eventTypesResource, pollResource } from './resources.ts';

export { MittrError, NotFoundError, AuthenticationError, PermissionError, ValidationError, ConflictError, RateLimitError, UnavailableError, type ClientOptions } from './http.ts';
export { verifyWebhook, signWebhook, DEFAULT_TOLERANCE_SEC, type VerifyOptions, type VerifyResult, type Scheme } from './webhooks.ts';
export { expressWebhook, fastifyWebhook } from './middleware.ts';
export type { paths } from './openapi.ts';
export type { Body, Item, Query, Response } from './types.ts';

/** mittr's REST API, typed from its OpenAPI document (sdk/openapi.json). */
export class Mittr {
  readonly http: Http;
  readonly events: ReturnType<typeof eventsResource>;
  readonly endpoints: ReturnType<typeof endpointsResource>;
  readonly eventTypes: ReturnType<typeof eventTypesResource>;
  readonly deliveries: ReturnType<typeof deliveriesResource>;
  readonly poll: ReturnType<typeof pollResource>;

  constructor(options: ClientOptions) {
    this.http = new Http(options);
    this.events = eventsResource(this.http);
    this.endpoints = endpointsResource(this.http);
    this.eventTypes = eventTypesResource(this.http);
    this.deliveries = deliveriesResource(this.http);
    this.poll = pollResource(this.http);
  }
}
