// search_customer_data and get_comprehensive_database_overview through the official MCP
// TypeScript SDK client (pinned 1.32.2), on tenant `full` (every tool, the sample company).
//
//   eval "$(bash scripts/db.sh env)"; bash scripts/db.sh up
//   bash scripts/db.sh config /tmp/saia-test.yaml
//   SAIA_MCP_BIN=build/saia-mcp SAIA_TEST_CONFIG=/tmp/saia-test.yaml \
//     node --test tests/client/search_overview.test.mjs
//
// Environment as for sdk_client.test.mjs. The SDK validates each structuredContent against
// the outputSchema it got from tools/list (a mismatch makes callTool throw); the tests also
// validate it with Ajv themselves, so a client that skipped the check would not hide a bug.

import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport, getDefaultEnvironment } from '@modelcontextprotocol/sdk/client/stdio.js';
import Ajv from 'ajv';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '..', '..');
const BIN = process.env.SAIA_MCP_BIN || join(ROOT, 'build', 'saia-mcp');
const TOOLS = ['get_comprehensive_database_overview', 'search_customer_data'];

let tmpDir = null;
let CONFIG = process.env.SAIA_TEST_CONFIG;

before(() => {
  assert.ok(existsSync(BIN), `server binary not found: ${BIN} (build it, or set SAIA_MCP_BIN)`);
  if (!CONFIG) {
    tmpDir = mkdtempSync(join(tmpdir(), 'saia-search-'));
    CONFIG = join(tmpDir, 'tenants.yaml');
    execFileSync('bash', [join(ROOT, 'scripts', 'db.sh'), 'config', CONFIG], { stdio: ['ignore', 'ignore', 'inherit'] });
  }
});

after(() => {
  if (tmpDir) rmSync(tmpDir, { recursive: true, force: true });
});

describe('tenant full: search_customer_data and get_comprehensive_database_overview', () => {
  let client;
  let stderr = '';
  const validators = new Map();

  before(async () => {
    const transport = new StdioClientTransport({
      command: BIN,
      args: ['--config', CONFIG, '--tenant', 'full'],
      env: { ...getDefaultEnvironment(), SAIA_DEMO_PASSWORD: process.env.SAIA_DEMO_PASSWORD ?? 'demo-ro-pw' },
      stderr: 'pipe',
    });
    transport.stderr?.on('data', (d) => { stderr += d.toString(); });
    client = new Client({ name: 'saia-search-test', version: '1.0.0' });
    await client.connect(transport);
    const { tools } = await client.listTools();
    const ajv = new Ajv({ strict: false, allErrors: true });
    for (const name of TOOLS) {
      const t = tools.find((x) => x.name === name);
      assert.ok(t, `${name} is listed (stderr: ${stderr.slice(-2000)})`);
      assert.equal(t.inputSchema.type, 'object');
      assert.equal(t.inputSchema.additionalProperties, false);
      assert.equal(t.outputSchema?.type, 'object');
      assert.equal(t.annotations?.readOnlyHint, true);
      validators.set(name, ajv.compile(t.outputSchema));
    }
  });

  after(async () => { await client?.close(); });

  // callTool (which validates against the outputSchema), then Ajv, then the text copy.
  async function call(name, args) {
    const r = await client.callTool({ name, arguments: args });
    assert.ok(!r.isError, `${name} ${JSON.stringify(args)}: ${r.content?.[0]?.text}`);
    const sc = r.structuredContent;
    const v = validators.get(name);
    assert.ok(v(sc), `${name}: ${JSON.stringify(v.errors)}`);
    assert.deepEqual(JSON.parse(r.content.find((c) => c.type === 'text').text), sc);
    return sc;
  }

  for (const [what, args] of [
    ['a name with an apostrophe', { search_term: "O'Brien" }],
    ['an emoji', { search_term: '🚚' }],
    ['a literal %', { search_term: '%' }],
    ['a binary-adjacent table', { search_term: 'a', tables: ['odd_values'] }],
    ['a view, key {}', { search_term: 'Crème', tables: ['v_open_invoices'] }],
    ['the limit', { search_term: 'e', limit: 5 }],
    ['no match', { search_term: "'; DROP TABLE invoices; --" }],
  ]) {
    test(`search_customer_data: ${what}`, async () => {
      const sc = await call('search_customer_data', args);
      assert.equal(sc.search_term, args.search_term);
      assert.equal(sc.match_count, sc.matches.length);
      if (args.limit) assert.ok(sc.matches.length <= args.limit);
    });
  }

  test('search_customer_data: exact matches for O\'Brien', async () => {
    const sc = await call('search_customer_data', { search_term: "O'Brien", tables: ['customers'] });
    assert.deepEqual(sc.matches, [
      { table: 'customers', column: 'name', key: { id: 3 }, value: "O'Brien Trading Ltd" },
    ]);
    assert.equal(sc.truncated, false);
  });

  test('search_customer_data: a bad argument is a tool error', async () => {
    const r = await client.callTool({ name: 'search_customer_data', arguments: { search_term: 'x'.repeat(10000) } });
    assert.equal(r.isError, true);
    assert.match(r.content[0].text, /^invalid: /);
  });

  test('get_comprehensive_database_overview conforms, with invoices exact', async () => {
    const sc = await call('get_comprehensive_database_overview', {});
    assert.equal(sc.table_count, 9);
    assert.equal(sc.truncated, false);
    const inv = sc.tables.find((t) => t.name === 'invoices');
    assert.deepEqual(inv.primary_key, ['id']);
    assert.deepEqual(inv.foreign_keys, [{
      name: 'fk_invoices_customer', columns: ['customer_id'],
      referenced_table: 'customers', referenced_columns: ['id'],
    }]);
    assert.deepEqual(inv.indexes.find((i) => i.name === 'uq_invoices_number'),
      { name: 'uq_invoices_number', unique: true, columns: ['invoice_number'] });
    const view = sc.tables.find((t) => t.name === 'v_open_invoices');
    assert.equal(view.type, 'view');
    assert.equal(view.column_count, 9);
  });
});
