/**
 * The explicit mapping of log documents. `dynamic: strict` turns a field nobody mapped into an
 * error instead of a silent mapping explosion; `metadata` is a flat_object so arbitrary client keys
 * never add fields, and its values are also copied into `metadata_text` for full-text search.
 */
export function logIndexTemplate(indexName: string) {
  const keyword = { type: 'keyword' };
  const keywordWithText = { type: 'keyword', fields: { text: { type: 'text' } } };
  return {
    index_patterns: [indexName],
    template: {
      settings: {
        number_of_shards: 1,
        number_of_replicas: 0,
        refresh_interval: '1s',
      },
      mappings: {
        dynamic: 'strict',
        _routing: { required: true },
        properties: {
          id: keyword,
          tenant_id: keyword,
          received_at: { type: 'date' },
          event_timestamp: { type: 'date' },
          action: keywordWithText,
          severity: keyword,
          user_id: keyword,
          session_id: keyword,
          resource: keywordWithText,
          resource_id: keyword,
          message: { type: 'text' },
          ip_address: { type: 'ip' },
          user_agent: { type: 'keyword', ignore_above: 1024 },
          before_state: { type: 'object', enabled: false },
          after_state: { type: 'object', enabled: false },
          metadata: { type: 'flat_object' },
          metadata_text: { type: 'text' },
          event_id: keyword,
        },
      },
    },
  };
}
