import { Type } from '@sinclair/typebox';

/** RFC 9457 problem details as problem-handler.ts renders them. */
export const ProblemSchema = Type.Object(
  {
    type: Type.String({ format: 'uri', description: 'Identifies the kind of problem.' }),
    title: Type.String(),
    status: Type.Integer({ minimum: 400, maximum: 599 }),
    detail: Type.Optional(Type.String()),
    request_id: Type.String({ description: 'The X-Request-Id of the request.' }),
    errors: Type.Optional(
      Type.Array(
        Type.Object({
          path: Type.String({ description: 'JSON Pointer into the body or query, e.g. /logs/17/severity.' }),
          message: Type.String(),
        }),
        { description: 'Every failing field.' },
      ),
    ),
  },
  { $id: 'Problem', description: 'RFC 9457 problem details (application/problem+json).' },
);
