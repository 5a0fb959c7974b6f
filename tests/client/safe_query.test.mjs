// execute_safe_query and a tenant's own `queries:` through the official MCP SDK client
// (pinned 1.32.2): what a real client sees, schemas validated by the SDK itself.
//
//   eval "$(bash scripts/db.sh env)"; bash scripts/db.sh config /tmp/saia-test.yaml
//   SAIA_MCP_BIN=build/saia-mcp SAIA_TEST_CONFIG=/tmp/saia-test.yaml node --test tests/client/
//
// Environment as in sdk_client.test.mjs. The tenant with queries is written here, into a
// temp YAML, from the `full` tenant of SAIA_TEST_CONFIG. The SDK checks every
// structuredContent against the tool's outputSchema: a call that returns conforms.

import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport, getDefaultEnvironment } from '@modelcontextprotocol/sdk/client/stdio.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '..', '..');
const BIN = process.env.SAIA_MCP_BIN || join(ROOT, 'build', 'saia-mcp');

let tmpDir = null;
let CONFIG = process.env.SAIA_TEST_CONFIG;
let QCONFIG = null;

const QUERIES = `    queries:
      - name: overdue_invoices
        description: Invoices past due on a given day.
        sql: SELECT invoice_number, due_date, total_amount FROM invoices WHERE due_date < ? AND status <> 'paid' ORDER BY due_date, id
        parameters:
          - { name: as_of, type: date, required: true, description: The day to compare with. }
      - name: invoices_by_status
        description: Invoice numbers with one status.
        sql: SELECT invoice_number FROM invoices WHERE status = ? ORDER BY id
        parameters:
          - { name: status, type: string, enum: [draft, sent, paid, overdue, cancelled], default: paid }
`;

// The block of tenant `name` in a db.sh config, renamed to `as`.
function tenantBlock(text, name, as) {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l.startsWith(`  ${name}:`));
  assert.ok(start >= 0, `tenant ${name} in ${CONFIG}`);
  let end = start + 1;
  while (end < lines.length && (lines[end].startsWith('    ') || lines[end] === '')) end++;
  return [`  ${as}:`, ...lines.slice(start + 1, end).filter((l) => l !== '')].join('\n') + '\n';
}

function serverEnv() {
  return {
    ...getDefaultEnvironment(),
    SAIA_DEMO_PASSWORD: process.env.SAIA_DEMO_PASSWORD ?? 'demo-ro-pw',
    SAIA_OTHER_PASSWORD: process.env.SAIA_OTHER_PASSWORD ?? 'other-ro-pw',
    SAIA_RW_PASSWORD: process.env.SAIA_RW_PASSWORD ?? 'demo-rw-pw',
  };
}

async function connect(config, tenant) {
  const transport = new StdioClientTransport({
    command: BIN, args: ['--config', config, '--tenant', tenant], env: serverEnv(), stderr: 'pipe',
  });
  let stderr = '';
  transport.stderr?.on('data', (d) => { stderr += d.toString(); });
  const client = new Client({ name: 'saia-safe-query-test', version: '1.0.0' });
  try {
    await client.connect(transport);
  } catch (e) {
    e.message += `\n--- server stderr (${tenant}) ---\n${stderr.slice(-4000)}`;
    throw e;
  }
  return client;
}

function ok(result, what) {
  assert.ok(!result.isError, `${what}: isError (${result.content?.[0]?.text})`);
  const sc = result.structuredContent;
  assert.ok(sc && typeof sc === 'object', `${what}: structuredContent`);
  assert.deepEqual(JSON.parse(result.content[0].text), sc, `${what}: the text block holds the same JSON`);
  return sc;
}

before(() => {
  assert.ok(existsSync(BIN), `server binary not found: ${BIN} (build it, or set SAIA_MCP_BIN)`);
  tmpDir = mkdtempSync(join(tmpdir(), 'saia-sq-'));
  if (!CONFIG) {
    CONFIG = join(tmpDir, 'tenants.yaml');
    execFileSync('bash', [join(ROOT, 'scripts', 'db.sh'), 'config', CONFIG], { stdio: ['ignore', 'ignore', 'inherit'] });
  }
  QCONFIG = join(tmpDir, 'queries.yaml');
  writeFileSync(QCONFIG, 'tenants:\n' + tenantBlock(readFileSync(CONFIG, 'utf8'), 'full', 'qtest') + QUERIES);
});

after(() => {
  if (tmpDir) rmSync(tmpDir, { recursive: true, force: true });
});

describe('execute_safe_query on tenant full', () => {
  let client;
  before(async () => { client = await connect(CONFIG, 'full'); });
  after(async () => { await client?.close(); });

  test('listed with an outputSchema', async () => {
    const { tools } = await client.listTools();
    const t = tools.find((x) => x.name === 'execute_safe_query');
    assert.ok(t, 'execute_safe_query is listed');
    assert.equal(t.outputSchema?.type, 'object');
    assert.deepEqual(t.inputSchema.required, ['sql']);
  });

  test('a query with params: exact values, validated against the outputSchema', async () => {
    const r = await client.callTool({
      name: 'execute_safe_query',
      arguments: { sql: 'SELECT invoice_number, total_amount, notes FROM invoices WHERE id IN (?, ?) ORDER BY id', params: [1, 12] },
    });
    const sc = ok(r, 'execute_safe_query');
    assert.deepEqual(sc.columns.map((c) => c.name), ['invoice_number', 'total_amount', 'notes']);
    assert.deepEqual(sc.rows, [
      ['INV-2025-0001', '459.28', null],
      ['INV-2025-0012', '415.19', 'Thanks for the quick delivery! 🚚🎉'],
    ]);
    assert.equal(sc.row_count, 2);
    assert.equal(sc.truncated, false);
  });

  test('a capped result still conforms, and says truncated', async () => {
    const r = await client.callTool({ name: 'execute_safe_query', arguments: { sql: 'SELECT id FROM invoices ORDER BY id', limit: 2 } });
    const sc = ok(r, 'capped');
    assert.deepEqual(sc.rows, [[1], [2]]);
    assert.equal(sc.truncated, true);
  });

  test('a refused statement is a tool error starting with refused:', async () => {
    const r = await client.callTool({ name: 'execute_safe_query', arguments: { sql: 'SELECT 1; DROP TABLE invoices' } });
    assert.equal(r.isError, true);
    assert.match(r.content[0].text, /^refused: more than one statement: DROP at offset 10/);
  });
});

describe('tenant queries', () => {
  let client;
  before(async () => { client = await connect(QCONFIG, 'qtest'); });
  after(async () => { await client?.close(); });

  test('listed after the built-in tools, with a typed inputSchema', async () => {
    const { tools } = await client.listTools();
    const names = tools.map((t) => t.name);
    assert.deepEqual(names.slice(-2), ['overdue_invoices', 'invoices_by_status']);
    const t = tools.find((x) => x.name === 'overdue_invoices');
    assert.deepEqual(t.inputSchema.required, ['as_of']);
    assert.equal(t.inputSchema.properties.as_of.type, 'string');
    assert.equal(t.inputSchema.additionalProperties, false);
    assert.equal(t.description, 'Invoices past due on a given day.');
    assert.ok(t.outputSchema, 'an outputSchema');
    const s = tools.find((x) => x.name === 'invoices_by_status').inputSchema.properties.status;
    assert.deepEqual(s.enum, ['draft', 'sent', 'paid', 'overdue', 'cancelled']);
    assert.equal(s.default, 'paid');
  });

  test('a real call returns the expected rows', async () => {
    const r = await client.callTool({ name: 'overdue_invoices', arguments: { as_of: '2025-07-01' } });
    const sc = ok(r, 'overdue_invoices');
    assert.deepEqual(sc.rows, [
      ['INV-2025-0005', '2025-03-11', '117.60'],
      ['INV-2025-0014', '2025-06-01', '1131.25'],
      ['INV-2025-0015', '2025-06-10', '852.90'],
    ]);
    const d = ok(await client.callTool({ name: 'invoices_by_status', arguments: { status: 'draft' } }), 'draft');
    assert.deepEqual(d.rows, [['INV-2026-0019'], ['INV-2026-0020']]);
    const p = ok(await client.callTool({ name: 'invoices_by_status', arguments: {} }), 'default');
    assert.equal(p.row_count, 43);
  });

  test('an impossible date is invalid: naming the argument', async () => {
    const r = await client.callTool({ name: 'overdue_invoices', arguments: { as_of: '2026-02-30' } });
    assert.equal(r.isError, true);
    assert.match(r.content[0].text, /^invalid: argument 'as_of'/);
  });
});
