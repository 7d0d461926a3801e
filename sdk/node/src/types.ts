import type { paths } from './openapi.ts';

/** Types of mittr's operations, read from the generated OpenAPI types so they cannot drift. */
export type Path = keyof paths;
export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
type Op<P extends Path, M extends Method> = paths[P][M];

export type Body<P extends Path, M extends Method> =
  Op<P, M> extends { requestBody?: { content: { 'application/json': infer B } } } ? B : never;
export type Query<P extends Path, M extends Method> =
  Op<P, M> extends { parameters: { query?: infer Q } } ? NonNullable<Q> : never;
type Ok<R> = R extends { 200: { content: { 'application/json': infer A } } } ? A
  : R extends { 201: { content: { 'application/json': infer A } } } ? A
  : R extends { 202: { content: { 'application/json': infer A } } } ? A : void;
export type Response<P extends Path, M extends Method> = Op<P, M> extends { responses: infer R } ? Ok<R> : never;
/** The item of a list operation's `data`. */
export type Item<P extends Path> = Response<P, 'get'> extends { data: Array<infer I> } ? I : never;
