import type { TSchema } from '@sinclair/typebox';
import type { Role } from '../../domain/auth';

/**
 * How a route describes itself for the OpenAPI document. Each routes module exports its docs next
 * to its router, built from the same TypeBox schemas its handlers validate with, so the document
 * cannot drift from the code (a test compares the router's routes with the document's paths).
 */
export interface RouteDoc {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** OpenAPI path, e.g. `/api/v1/logs/{id}` (the router's `:id` becomes `{id}`). */
  path: string;
  summary: string;
  description?: string;
  tags: string[];
  /** Roles allowed; omitted for unauthenticated operational routes. */
  roles?: Role[];
  pathParams?: TSchema;
  query?: TSchema;
  body?: { schema: TSchema; maxBytes: number; contentType?: string };
  /** `contentType` lists several types when the response is one of them (e.g. static files). */
  responses: Record<number, { description: string; schema?: TSchema; contentType?: string | readonly string[]; headers?: Record<string, string> }>;
}
