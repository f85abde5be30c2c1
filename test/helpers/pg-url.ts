/** The server the PostgreSQL tests use: EGOV_TEST_PG_URL, else the local one (trust auth, database test). */
export function pgAdminUrl(): string {
  return process.env.EGOV_TEST_PG_URL || 'postgres://root@127.0.0.1:5432/test'
}

/** The same server as `user`, with search_path set to one test schema. */
export function pgSchemaUrl(schema: string, user?: string): string {
  const url = new URL(pgAdminUrl())
  if (user) {
    url.username = user
    url.password = ''
  }
  url.searchParams.set('options', `-c search_path=${schema}`)
  return url.toString()
}
