import type {Kysely} from '#kysely'

import {idColumn, type SqlDialect} from './helpers.js'

/**
 * CLOUD-7 as 第二十三条 writes it: a system's security steps before go-live (安全资源申请,
 * 安全自查, 检测评估, 安全加固, 定级备案 …) live in cloud_security beside the commitment and
 * the assessments, each with an optional document by reference (path, size, SHA-256); and
 * the platform's own assessments per provider (等保测评, 云计算服务安全评估, 密码应用评估:
 * 第十五条, 第二十四条).
 */
export async function up(db: Kysely<unknown>, dialect: SqlDialect): Promise<void> {
  // 'resources', 'self-check' … fit in kind's 16 characters; the document is by reference.
  await db.schema.alterTable('cloud_security').addColumn('document_path', 'text').execute()
  await db.schema.alterTable('cloud_security').addColumn('document_size', 'bigint').execute()
  await db.schema.alterTable('cloud_security').addColumn('document_sha256', 'varchar(64)').execute()

  await idColumn(db.schema.createTable('cloud_platform_assessments'), dialect)
    .addColumn('provider', 'varchar(255)', (c) => c.notNull())
    .addColumn('kind', 'varchar(16)', (c) => c.notNull())
    .addColumn('on_date', 'varchar(10)', (c) => c.notNull())
    .addColumn('result', 'varchar(8)', (c) => c.notNull())
    .addColumn('document_path', 'text')
    .addColumn('document_size', 'bigint')
    .addColumn('document_sha256', 'varchar(64)')
    .addColumn('at', 'varchar(32)', (c) => c.notNull())
    .addColumn('actor', 'varchar(255)', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('cloud_platform_assessments_provider').on('cloud_platform_assessments').columns(['provider', 'kind', 'on_date']).execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('cloud_platform_assessments').ifExists().execute()
  for (const column of ['document_sha256', 'document_size', 'document_path']) await db.schema.alterTable('cloud_security').dropColumn(column).execute()
}
