// saia-mcp end to end, driven by the official MCP TypeScript SDK client (pinned 1.32.2).
//
//   eval "$(bash scripts/db.sh env)"; bash scripts/db.sh up
//   bash scripts/db.sh config /tmp/saia-test.yaml
//   SAIA_MCP_BIN=build/saia-mcp SAIA_TEST_CONFIG=/tmp/saia-test.yaml \
//     node --test tests/client/sdk_client.test.mjs
//
// Environment: SAIA_MCP_BIN (default <repo>/build/saia-mcp); SAIA_TEST_CONFIG (default:
// written now by `scripts/db.sh config` into a temp file, for SAIA_DB_PORT); the passwords
// SAIA_DEMO_PASSWORD / SAIA_OTHER_PASSWORD / SAIA_RW_PASSWORD (db.sh defaults otherwise).
// The database must be running and loaded (scripts/db.sh up). The expected values come from
// tests/data (README.md and odd_values.json).
//
// The SDK validates every structuredContent against the tool's outputSchema, so a call that
// returns does conform; a wrong shape makes callTool throw.

import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport, getDefaultEnvironment } from '@modelcontextprotocol/sdk/client/stdio.js';
import { McpError, ErrorCode } from '@modelcontextprotocol/sdk/types.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '..', '..');
const BIN = process.env.SAIA_MCP_BIN || join(ROOT, 'build', 'saia-mcp');
const ODD = JSON.parse(readFileSync(join(ROOT, 'tests', 'data', 'odd_values.json'), 'utf8'));

const SCHEMA_TOOLS = [
  'count_customer_table_rows',
  'describe_customer_table',
  'get_customer_table_sample',
  'get_database_overview',
  'list_customer_tables',
  'test_customer_database_connection',
];
const DEMO_TABLES = [
  'contacts', 'customers', 'invoice_items', 'invoices', 'odd name', 'odd_values', 'order',
  'products', 'v_open_invoices',
];

let tmpDir = null;
let CONFIG = process.env.SAIA_TEST_CONFIG;

function serverEnv() {
  // The SDK passes only HOME, LOGNAME, PATH, SHELL, TERM, USER: name everything else.
  return {
    ...getDefaultEnvironment(),
    SAIA_DEMO_PASSWORD: process.env.SAIA_DEMO_PASSWORD ?? 'demo-ro-pw',
    SAIA_OTHER_PASSWORD: process.env.SAIA_OTHER_PASSWORD ?? 'other-ro-pw',
    SAIA_RW_PASSWORD: process.env.SAIA_RW_PASSWORD ?? 'demo-rw-pw',
  };
}

// Connect to a fresh server process for one tenant. Returns {client, info, close, stderr()}.
async function connect(tenant) {
  const transport = new StdioClientTransport({
    command: BIN,
    args: ['--config', CONFIG, '--tenant', tenant],
    env: serverEnv(),
    stderr: 'pipe',
  });
  let stderr = '';
  transport.stderr?.on('data', (d) => { stderr += d.toString(); });
  // The stdio transport has no setProtocolVersion; the Client calls it when present,
  // which tells us the negotiated version.
  const info = { protocolVersion: undefined };
  transport.setProtocolVersion = (v) => { info.protocolVersion = v; };
  const client = new Client({ name: 'saia-sdk-test', version: '1.0.0' });
  try {
    await client.connect(transport);
  } catch (e) {
    await client.close().catch(() => {});
    e.message += `\n--- server stderr (${tenant}) ---\n${stderr.slice(-4000)}`;
    throw e;
  }
  return { client, info, stderr: () => stderr, close: () => client.close() };
}

// callTool that adds the server's stderr to any failure.
async function call(s, name, args = {}) {
  try {
    return await s.client.callTool({ name, arguments: args });
  } catch (e) {
    if (!(e instanceof McpError)) e.message += `\n--- server stderr ---\n${s.stderr().slice(-4000)}`;
    throw e;
  }
}

function text(result) {
  assert.ok(Array.isArray(result.content), 'content is an array');
  const t = result.content.find((c) => c.type === 'text');
  assert.ok(t, 'a text content block');
  return t.text;
}

// A successful structured result; also checks the text copy carries the same JSON.
function ok(result, what) {
  assert.ok(!result.isError, `${what}: isError (${result.content?.[0]?.text})`);
  const sc = result.structuredContent;
  assert.ok(sc && typeof sc === 'object' && !Array.isArray(sc), `${what}: structuredContent is an object`);
  assert.deepEqual(JSON.parse(text(result)), sc, `${what}: the text block holds the same JSON`);
  return sc;
}

function toolError(result, prefix, what) {
  assert.equal(result.isError, true, `${what}: isError`);
  const t = text(result);
  assert.ok(t.startsWith(prefix), `${what}: text starts with ${JSON.stringify(prefix)}: ${JSON.stringify(t)}`);
  return t;
}

async function rejectsWith(promise, code, what) {
  await assert.rejects(promise, (e) => {
    assert.ok(e instanceof McpError, `${what}: McpError, got ${e}`);
    assert.equal(e.code, code, `${what}: error code`);
    return true;
  });
}

before(() => {
  assert.ok(existsSync(BIN), `server binary not found: ${BIN} (build it, or set SAIA_MCP_BIN)`);
  if (!CONFIG) {
    tmpDir = mkdtempSync(join(tmpdir(), 'saia-sdk-'));
    CONFIG = join(tmpDir, 'tenants.yaml');
    execFileSync('bash', [join(ROOT, 'scripts', 'db.sh'), 'config', CONFIG], { stdio: ['ignore', 'ignore', 'inherit'] });
  }
});

after(() => {
  if (tmpDir) rmSync(tmpDir, { recursive: true, force: true });
});

describe('tenant test (all 6 schema tools)', () => {
  let s;
  before(async () => { s = await connect('test'); });
  after(async () => { await s?.close(); });

  test('initialize: server info, protocol version, capabilities', () => {
    const v = s.client.getServerVersion();
    assert.equal(typeof v?.name, 'string');
    assert.ok(v.name.length > 0);
    assert.equal(typeof v.version, 'string');
    assert.ok(v.version.length > 0);
    assert.equal(s.info.protocolVersion, '2025-11-25', 'the SDK asks for 2025-11-25; the server must agree');
    const caps = s.client.getServerCapabilities();
    assert.ok(caps?.tools, 'tools capability');
    assert.equal(caps.logging, undefined, 'no logging capability (logs go to stderr)');
    assert.equal(caps.resources, undefined);
    assert.equal(caps.prompts, undefined);
  });

  test('tools/list: exactly the 6 schema tools, fully described', async () => {
    const { tools, nextCursor } = await s.client.listTools();
    assert.equal(nextCursor, undefined, 'no nextCursor for a short list');
    assert.deepEqual(tools.map((t) => t.name).sort(), SCHEMA_TOOLS);
    for (const t of tools) {
      assert.equal(typeof t.title, 'string', `${t.name}: title`);
      assert.ok(typeof t.description === 'string' && t.description.length > 20, `${t.name}: description`);
      assert.equal(t.inputSchema?.type, 'object', `${t.name}: inputSchema.type`);
      assert.equal(t.inputSchema.additionalProperties, false, `${t.name}: additionalProperties false`);
      assert.equal(t.outputSchema?.type, 'object', `${t.name}: outputSchema.type`);
      assert.equal(t.annotations?.readOnlyHint, true, `${t.name}: readOnlyHint`);
      assert.equal(t.annotations.destructiveHint, false, `${t.name}: destructiveHint`);
      assert.equal(t.annotations.openWorldHint, false, `${t.name}: openWorldHint`);
    }
    const byName = Object.fromEntries(tools.map((t) => [t.name, t]));
    assert.deepEqual(byName.describe_customer_table.inputSchema.required, ['table_name']);
    assert.ok(byName.get_customer_table_sample.inputSchema.properties.limit, 'sample has a limit argument');
    // Deterministic order.
    const again = await s.client.listTools();
    assert.deepEqual(again.tools.map((t) => t.name), tools.map((t) => t.name));
  });

  test('test_customer_database_connection', async () => {
    const sc = ok(await call(s, 'test_customer_database_connection'), 'connection');
    assert.equal(sc.ok, true);
    assert.equal(sc.database, 'saia_demo');
    assert.equal(sc.can_write, false, 'saia_ro has SELECT only');
    assert.equal(sc.server_flavor, 'mariadb');
    assert.match(sc.server_version, /MariaDB/);
    assert.match(sc.user, /^saia_ro@/);
    assert.equal(sc.tls, 'none', 'ssl_mode disabled');
    assert.equal(typeof sc.latency_ms, 'number');
    assert.ok(sc.latency_ms >= 0);
    assert.ok(Array.isArray(sc.warnings));
    assert.ok(!JSON.stringify(sc).includes(serverEnv().SAIA_DEMO_PASSWORD), 'no password in the result');
  });

  test('list_customer_tables', async () => {
    const sc = ok(await call(s, 'list_customer_tables'), 'list');
    assert.equal(sc.database, 'saia_demo');
    assert.equal(sc.table_count, DEMO_TABLES.length);
    assert.deepEqual(sc.tables.map((t) => t.name).sort(), [...DEMO_TABLES].sort());
    const inv = sc.tables.find((t) => t.name === 'invoices');
    assert.equal(inv.type, 'table');
    assert.equal(inv.engine, 'InnoDB');
    assert.equal(inv.comment, 'Outgoing invoices');
    assert.equal(typeof inv.rows_estimate, 'number');
    const view = sc.tables.find((t) => t.name === 'v_open_invoices');
    assert.equal(view.type, 'view');
    assert.equal(view.engine, undefined, 'a view has no engine (key left out, never null)');
    for (const t of sc.tables) {
      for (const [k, v] of Object.entries(t)) assert.notEqual(v, null, `${t.name}.${k} is null`);
    }
    const again = ok(await call(s, 'list_customer_tables'), 'list again');
    assert.deepEqual(again.tables.map((t) => t.name), sc.tables.map((t) => t.name), 'deterministic order');
  });

  test('describe_customer_table invoices', async () => {
    const sc = ok(await call(s, 'describe_customer_table', { table_name: 'invoices' }), 'describe');
    assert.equal(sc.table, 'invoices');
    assert.equal(sc.type, 'table');
    assert.deepEqual(sc.columns.map((c) => c.name), [
      'id', 'invoice_number', 'customer_id', 'invoice_date', 'due_date', 'status',
      'total_amount', 'currency', 'notes',
    ]);
    const col = Object.fromEntries(sc.columns.map((c) => [c.name, c]));
    assert.equal(col.id.type, 'int(10) unsigned');
    assert.equal(col.id.nullable, false);
    assert.equal(col.id.key, 'PRI');
    assert.equal(col.id.extra, 'auto_increment');
    assert.equal('default' in col.id, false, 'no default: the key is left out');
    assert.equal(col.total_amount.type, 'decimal(12,2)');
    assert.equal(col.total_amount.comment, 'sum of invoice_items.line_total');
    assert.equal(col.status.type, "enum('draft','sent','paid','overdue','cancelled')");
    assert.equal(col.notes.nullable, true);
    assert.equal(col.invoice_number.key, 'UNI');
    assert.deepEqual(sc.primary_key, ['id']);
    const idx = Object.fromEntries(sc.indexes.map((i) => [i.name, i]));
    assert.deepEqual(idx.PRIMARY, { name: 'PRIMARY', unique: true, columns: ['id'] });
    assert.equal(idx.uq_invoices_number.unique, true);
    assert.deepEqual(idx.uq_invoices_number.columns, ['invoice_number']);
    assert.equal(idx.idx_invoices_status_due.unique, false);
    assert.deepEqual(idx.idx_invoices_status_due.columns, ['status', 'due_date']);
    const fk = sc.foreign_keys.find((f) => f.referenced_table === 'customers');
    assert.ok(fk, 'a foreign key to customers');
    assert.equal(fk.name, 'fk_invoices_customer');
    assert.deepEqual(fk.columns, ['customer_id']);
    assert.deepEqual(fk.referenced_columns, ['id']);
  });

  test('describe_customer_table of a view and of awkward names', async () => {
    const v = ok(await call(s, 'describe_customer_table', { table_name: 'v_open_invoices' }), 'describe view');
    assert.equal(v.type, 'view');
    assert.ok(v.columns.some((c) => c.name === 'customer_name'));
    const o = ok(await call(s, 'describe_customer_table', { table_name: 'order' }), 'describe order');
    assert.deepEqual(o.columns.map((c) => c.name), ['id', 'customer_id', 'placed_on', 'desc']);
    const sp = ok(await call(s, 'describe_customer_table', { table_name: 'odd name' }), 'describe odd name');
    assert.deepEqual(sp.columns.map((c) => c.name), ['id', 'full name']);
  });

  test('get_customer_table_sample cut by its limit says truncated, in primary-key order', async () => {
    const sc = ok(await call(s, 'get_customer_table_sample', { table_name: 'invoices', limit: 3 }), 'sample invoices');
    assert.equal(sc.row_count, 3);
    assert.equal(sc.truncated, true); // 60 invoices exist
    assert.equal(sc.next_offset, undefined); // the sample has no offset to page with
    assert.deepEqual(sc.rows.map((r) => r[0]), [1, 2, 3]);
  });

  test('get_customer_table_sample odd_values: every value exact (tests/data/odd_values.json)', async () => {
    const sc = ok(await call(s, 'get_customer_table_sample', { table_name: 'odd_values', limit: 5 }), 'sample odd_values');
    assert.equal(sc.row_count, 3);
    assert.equal(sc.truncated, false);
    assert.equal(sc.next_offset, undefined);
    assert.equal(sc.rows.length, 3);
    const names = sc.columns.map((c) => c.name);
    assert.deepEqual(names, ODD.columns);
    for (const c of sc.columns) assert.equal(typeof c.type, 'string', `${c.name}: type`);
    ODD.rows.forEach((want, r) => {
      const got = sc.rows[r];
      assert.equal(got.length, ODD.columns.length, `row ${r + 1} width`);
      ODD.columns.forEach((name, i) => {
        assert.deepEqual(got[names.indexOf(name)], want[i],
          `odd_values row ${r + 1} column ${name}: got ${JSON.stringify(got[names.indexOf(name)])}, want ${JSON.stringify(want[i])}`);
      });
    });
    const col = Object.fromEntries(sc.columns.map((c) => [c.name, c.type]));
    assert.equal(col.u64, 'BIGINT UNSIGNED');
    assert.equal(col.dec30, 'DECIMAL');
  });

  test('get_customer_table_sample invoices: primary-key order, DECIMAL as string', async () => {
    const sc = ok(await call(s, 'get_customer_table_sample', { table_name: 'invoices', limit: 3 }), 'sample invoices');
    assert.equal(sc.row_count, 3);
    assert.equal(sc.rows.length, 3);
    const names = sc.columns.map((c) => c.name);
    const get = (r, n) => sc.rows[r][names.indexOf(n)];
    assert.deepEqual(sc.rows.map((_, r) => get(r, 'id')), [1, 2, 3]);
    assert.equal(get(0, 'invoice_number'), 'INV-2025-0001');
    assert.equal(get(0, 'customer_id'), 1);
    assert.equal(get(0, 'invoice_date'), '2025-01-03');
    assert.equal(get(0, 'due_date'), '2025-02-02');
    assert.equal(get(0, 'status'), 'paid');
    assert.equal(get(0, 'total_amount'), '459.28');
    assert.equal(get(0, 'currency'), 'EUR');
    assert.equal(get(0, 'notes'), null);
    // the default limit is 10
    const d = ok(await call(s, 'get_customer_table_sample', { table_name: 'invoices' }), 'sample default');
    assert.equal(d.rows.length, 10);
  });

  test('count_customer_table_rows, including awkward names and a view', async () => {
    const want = { invoices: 60, invoice_items: 180, customers: 25, contacts: 40, products: 15,
      order: 2, 'odd name': 3, odd_values: 3, v_open_invoices: 13 };
    for (const [table, count] of Object.entries(want)) {
      const sc = ok(await call(s, 'count_customer_table_rows', { table_name: table }), `count ${table}`);
      assert.deepEqual(sc, { table, count }, `count ${table}`);
    }
  });

  test('get_database_overview', async () => {
    const sc = ok(await call(s, 'get_database_overview'), 'overview');
    assert.equal(sc.database, 'saia_demo');
    assert.equal(sc.table_count, DEMO_TABLES.length);
    const t = Object.fromEntries(sc.tables.map((x) => [x.name, x]));
    assert.deepEqual(Object.keys(t).sort(), [...DEMO_TABLES].sort());
    assert.equal(t.invoices.type, 'table');
    assert.equal(t.invoices.column_count, 9);
    assert.equal(t.odd_values.column_count, 24);
    assert.equal(t['odd name'].column_count, 2);
    assert.equal(t.v_open_invoices.type, 'view');
    assert.equal(t.v_open_invoices.column_count, 9);
    assert.equal(typeof t.invoices.rows_estimate, 'number');
  });

  test('tool errors are results, and the session goes on', async () => {
    toolError(await call(s, 'count_customer_table_rows', { table_name: 'nope; DROP TABLE invoices' }),
      'invalid:', 'hostile table name');
    toolError(await call(s, 'count_customer_table_rows', { table_name: 'no_such_table' }), 'invalid:', 'unknown table');
    toolError(await call(s, 'get_customer_table_sample', { table_name: 'invoices', limit: 0 }), 'invalid:', 'limit 0');
    toolError(await call(s, 'get_customer_table_sample', { table_name: 'invoices', limit: 101 }), 'invalid:', 'limit 101');
    toolError(await call(s, 'describe_customer_table', {}), 'invalid:', 'missing table_name');
    toolError(await call(s, 'count_customer_table_rows', { table_name: 'invoices', extra: 1 }), 'invalid:', 'unknown argument');
    // another tenant's table, however it is spelled
    for (const name of ['secrets', 'saia_other.secrets', '`saia_other`.`secrets`', 'mysql.user']) {
      const r = await call(s, 'count_customer_table_rows', { table_name: name });
      assert.equal(r.isError, true, `${name}: isError`);
      assert.ok(!text(r).includes('top-secret'), `${name}: no leak`);
    }
    const sc = ok(await call(s, 'count_customer_table_rows', { table_name: 'invoices' }), 'count after errors');
    assert.equal(sc.count, 60, 'nothing was dropped');
  });

  test('a tool the tenant does not have: JSON-RPC -32602', async () => {
    await rejectsWith(call(s, 'get_all_invoices', {}), ErrorCode.InvalidParams, 'not enabled');
    await rejectsWith(call(s, 'no_such_tool', {}), ErrorCode.InvalidParams, 'unknown tool');
  });
});

describe('tenant limited (2 tools)', () => {
  let s;
  before(async () => { s = await connect('limited'); });
  after(async () => { await s?.close(); });

  test('lists exactly its 2 tools and refuses the others with -32602', async () => {
    const { tools } = await s.client.listTools();
    assert.deepEqual(tools.map((t) => t.name).sort(), ['count_customer_table_rows', 'list_customer_tables']);
    await rejectsWith(call(s, 'get_database_overview', {}), ErrorCode.InvalidParams, 'get_database_overview');
    // the message must not reveal that the tool exists for other tenants:
    // "not enabled" and "unknown" read the same, up to the name itself
    const msg = async (name) => {
      try { await call(s, name, {}); } catch (e) {
        assert.ok(e instanceof McpError, `${name}: McpError`);
        assert.equal(e.code, ErrorCode.InvalidParams, `${name}: -32602`);
        return e.message.split(name).join('<tool>');
      }
      assert.fail(`${name}: no error`);
    };
    assert.equal(await msg('describe_customer_table'), await msg('no_such_tool_xyz'));
    const sc = ok(await call(s, 'count_customer_table_rows', { table_name: 'invoices' }), 'count');
    assert.equal(sc.count, 60);
  });
});

describe('tenant other (saia_other): tenants cannot see each other', () => {
  let s;
  before(async () => { s = await connect('other'); });
  after(async () => { await s?.close(); });

  test('sees only its own tables', async () => {
    const sc = ok(await call(s, 'list_customer_tables'), 'list');
    assert.equal(sc.database, 'saia_other');
    const names = sc.tables.map((t) => t.name);
    assert.deepEqual(names, ['secrets']);
    assert.ok(!names.includes('invoices'));
    const c = ok(await call(s, 'count_customer_table_rows', { table_name: 'secrets' }), 'count secrets');
    assert.equal(c.count, 1);
    const smp = ok(await call(s, 'get_customer_table_sample', { table_name: 'secrets' }), 'sample secrets');
    assert.deepEqual(smp.rows, [[1, 'top-secret-other-tenant']]);
    const r = await call(s, 'count_customer_table_rows', { table_name: 'invoices' });
    assert.equal(r.isError, true, 'invoices is not this tenant\'s table');
    const r2 = await call(s, 'count_customer_table_rows', { table_name: 'saia_demo.invoices' });
    assert.equal(r2.isError, true, 'nor is saia_demo.invoices');
  });
});

describe('tenant down (nothing listens): starts anyway, tools say unavailable', () => {
  let s;
  before(async () => { s = await connect('down'); });
  after(async () => { await s?.close(); });

  test('initialize and tools/list work; a call is an unavailable: tool error, twice', async () => {
    const { tools } = await s.client.listTools();
    assert.deepEqual(tools.map((t) => t.name).sort(), SCHEMA_TOOLS);
    for (let i = 0; i < 2; i++) {
      const t = toolError(await call(s, 'count_customer_table_rows', { table_name: 'invoices' }),
        'unavailable:', `down, attempt ${i + 1}`);
      assert.ok(!t.includes(serverEnv().SAIA_DEMO_PASSWORD), 'no password in the error');
    }
  });
});
