// The catalog model shared by drift, replay and verify: plain items that compare equal across engines when the
// schema is the same.
export type CatalogKind =
  | 'schema' | 'table' | 'column' | 'constraint' | 'index' | 'view' | 'materialized view' | 'sequence'
  | 'enum' | 'composite type' | 'domain' | 'function' | 'procedure' | 'aggregate' | 'trigger' | 'row level security'
  | 'policy' | 'privileges' | 'default privileges' | 'publication' | 'publication member' | 'extension'
  | 'storage bucket' | 'cron job'

// `name` identifies the item within its kind ("public.repos.owner_repo", "\"Read own\" on public.audits");
// `parent` is the key of the table (or other object) it belongs to, so a diff can fold children of a new table.
export type CatalogItem = { kind: CatalogKind; name: string; parent?: string; props: Record<string, string> }
export type Catalog = { major: number; items: CatalogItem[] }

export const itemKey = (item: Pick<CatalogItem, 'kind' | 'name'>) => `${item.kind} ${item.name}`
