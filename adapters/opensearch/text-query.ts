/** The longest `q` accepted: bounds the clauses one query can expand into. */
export const MAX_TEXT_QUERY_LENGTH = 200;

/** Where `q` looks: the message, the action and resource names, and the metadata values. */
const TEXT_FIELDS = ['message', 'action.text', 'resource.text', 'metadata_text'];

/**
 * Operators the user may use: quoted phrases, `+` (must), `-` (must not), `|` (or), parentheses
 * and a trailing `*` for prefixes. Fuzzy (`~`), slop and near operators are not enabled, so those
 * characters are plain text, and the engine's full query syntax (field names, regular expressions,
 * ranges) is never reachable: `simple_query_string` does not parse it.
 */
const ALLOWED_FLAGS = 'AND|NOT|OR|PHRASE|PREFIX|PRECEDENCE|WHITESPACE|ESCAPE';

/** The OpenSearch clause for a user's `q`. Every word must match unless `|` says otherwise. */
export function textQueryClause(q: string): Record<string, unknown> {
  return {
    simple_query_string: {
      query: q,
      fields: TEXT_FIELDS,
      flags: ALLOWED_FLAGS,
      default_operator: 'and',
      lenient: true,
      analyze_wildcard: false,
      auto_generate_synonyms_phrase_query: false,
    },
  };
}
