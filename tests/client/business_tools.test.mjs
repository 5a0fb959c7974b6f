// The business tools (get_all_invoices, get_invoice_count, get_invoice_by_number,
// get_latest_invoice, get_contacts) through the official MCP SDK client (pinned 1.32.2), on
// tenant `full` (saia_demo, every schema name detected) and tenant `mapped` (saia_mapped,
// the same rows under German names given in `schema:`).
//
// The SDK validates every structuredContent against the tool's outputSchema (listTools
// caches the schemas, callTool checks): a call that returns conforms, a wrong shape throws.
//
//   eval "$(bash scripts/db.sh env)"; bash scripts/db.sh up
//   bash scripts/db.sh config /tmp/saia-test.yaml
//   SAIA_MCP_BIN=build/saia-mcp SAIA_TEST_CONFIG=/tmp/saia-test.yaml \
//     node --test tests/client/business_tools.test.mjs
//
// Environment as in sdk_client.test.mjs, plus SAIA_MAPPED_PASSWORD (db.sh default otherwise).

import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport, getDefaultEnvironment } from '@modelcontextprotocol/sdk/client/stdio.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '..', '..');
const BIN = process.env.SAIA_MCP_BIN || join(ROOT, 'build', 'saia-mcp');

const BUSINESS_TOOLS = [
  'get_all_invoices', 'get_invoice_count', 'get_invoice_by_number', 'get_latest_invoice',
  'get_contacts',
];

// Every call, on both tenants; the answers must be equal up to column names.
const CALLS = [
  ['get_all_invoices', {}],
  ['get_all_invoices', { limit: 3, offset: 47 }],
  ['get_all_invoices', { offset: 50 }],
  ['get_all_invoices', { status: 'overdue', date_from: '2025-01-01', date_to: '2026-12-31' }],
  ['get_all_invoices', { customer: 14 }],
  ['get_all_invoices', { customer: '14' }],
  ['get_all_invoices', { offset: 1000 }],
  ['get_invoice_count', {}],
  ['get_invoice_count', { status: 'paid', customer: 14 }],
  ['get_invoice_count', { date_from: '2025-01-01', date_to: '2025-12-31' }],
  ['get_invoice_by_number', { invoice_number: 'INV-2025-0001' }],
  ['get_invoice_by_number', { invoice_number: 'INV-2025-0012' }],
  ['get_invoice_by_number', { invoice_number: 'no such invoice' }],
  ['get_latest_invoice', {}],
  ['get_contacts', {}],
  ['get_contacts', { limit: 5, offset: 10 }],
  ['get_contacts', { search_term: "O'Brien" }],
  ['get_contacts', { search_term: '100%_\\!' }],
];

let tmpDir = null;
let CONFIG = process.env.SAIA_TEST_CONFIG;

function serverEnv() {
  return {
    ...getDefaultEnvironment(),
    SAIA_DEMO_PASSWORD: process.env.SAIA_DEMO_PASSWORD ?? 'demo-ro-pw',
    SAIA_MAPPED_PASSWORD: process.env.SAIA_MAPPED_PASSWORD ?? 'mapped-ro-pw',
  };
}

async function connect(tenant) {
  const transport = new StdioClientTransport({
    command: BIN,
    args: ['--config', CONFIG, '--tenant', tenant],
    env: serverEnv(),
    stderr: 'pipe',
  });
  let stderr = '';
  transport.stderr?.on('data', (d) => { stderr += d.toString(); });
  const client = new Client({ name: 'saia-business-test', version: '1.0.0' });
  try {
    await client.connect(transport);
  } catch (e) {
    await client.close().catch(() => {});
    e.message += `\n--- server stderr (${tenant}) ---\n${stderr.slice(-4000)}`;
    throw e;
  }
  return { client, stderr: () => stderr, close: () => client.close() };
}

// callTool validates structuredContent against the outputSchema; a mismatch throws.
async function call(s, name, args) {
  let result;
  try {
    result = await s.client.callTool({ name, arguments: args });
  } catch (e) {
    e.message += `\n(${name} ${JSON.stringify(args)})\n--- server stderr ---\n${s.stderr().slice(-4000)}`;
    throw e;
  }
  assert.ok(!result.isError, `${name} ${JSON.stringify(args)}: isError: ${result.content?.[0]?.text}`);
  const sc = result.structuredContent;
  assert.ok(sc && typeof sc === 'object' && !Array.isArray(sc), `${name}: structuredContent is an object`);
  const text = result.content.find((c) => c.type === 'text');
  assert.deepEqual(JSON.parse(text.text), sc, `${name}: the text block holds the same JSON`);
  return sc;
}

// The answer without column names: objects become their values, columns lose "name".
function withoutNames(sc) {
  const v = structuredClone(sc);
  if (v.columns) v.columns = v.columns.map((c) => c.type);
  if (v.invoice) v.invoice = Object.values(v.invoice);
  if (v.items) v.items = v.items.map((it) => Object.values(it));
  return v;
}

before(() => {
  assert.ok(existsSync(BIN), `server binary not found: ${BIN} (build it, or set SAIA_MCP_BIN)`);
  if (!CONFIG) {
    tmpDir = mkdtempSync(join(tmpdir(), 'saia-biz-'));
    CONFIG = join(tmpDir, 'tenants.yaml');
    execFileSync('bash', [join(ROOT, 'scripts', 'db.sh'), 'config', CONFIG], { stdio: ['ignore', 'ignore', 'inherit'] });
  }
});

after(() => {
  if (tmpDir) rmSync(tmpDir, { recursive: true, force: true });
});

const answers = {};

for (const tenant of ['full', 'mapped']) {
  describe(`tenant ${tenant}: the business tools conform to their outputSchema`, () => {
    let s;
    before(async () => { s = await connect(tenant); });
    after(async () => { await s?.close(); });

    test('tools/list advertises the five business tools with schemas and annotations', async () => {
      const { tools } = await s.client.listTools();
      for (const name of BUSINESS_TOOLS) {
        const t = tools.find((x) => x.name === name);
        assert.ok(t, `${name} is listed`);
        assert.equal(t.inputSchema.type, 'object');
        assert.equal(t.inputSchema.additionalProperties, false);
        assert.equal(t.outputSchema?.type, 'object');
        assert.equal(typeof t.title, 'string');
        assert.equal(t.annotations?.readOnlyHint, true);
        assert.equal(t.annotations?.destructiveHint, false);
        assert.equal(t.annotations?.openWorldHint, false);
      }
    });

    test('every call validates and answers', async () => {
      answers[tenant] = [];
      for (const [name, args] of CALLS) {
        answers[tenant].push(await call(s, name, args));
      }
      const [all, page] = answers[tenant];
      assert.equal(all.row_count, 50);
      assert.equal(all.next_offset, 50);
      assert.equal(page.row_count, 3);
      assert.equal(page.next_offset, 50);
      assert.deepEqual(answers[tenant][7], { count: 60, filters: {} });
      assert.equal(answers[tenant][10].found, true);
      assert.equal(answers[tenant][10].items.length, 2);
      assert.deepEqual(answers[tenant][12], { found: false, invoice_number: 'no such invoice' });
      assert.equal(answers[tenant][14].row_count, 40);
      assert.equal(answers[tenant][17].row_count, 0, 'wildcards match literally');
    });

    test('a bad argument is a tool error naming it, and the session goes on', async () => {
      const r = await s.client.callTool({ name: 'get_all_invoices', arguments: { date_from: '2026-02-30' } });
      assert.equal(r.isError, true);
      assert.equal(r.content[0].text, 'invalid: date_from must be a real calendar date YYYY-MM-DD, got "2026-02-30"');
      const c = await call(s, 'get_invoice_count', { status: 'draft' });
      assert.deepEqual(c, { count: 2, filters: { status: 'draft' } });
    });
  });
}

describe('full and mapped give the same answers', () => {
  test('equal up to column names', () => {
    assert.ok(answers.full && answers.mapped, 'both tenants answered');
    CALLS.forEach(([name, args], i) => {
      assert.deepEqual(withoutNames(answers.mapped[i]), withoutNames(answers.full[i]),
        `${name} ${JSON.stringify(args)}`);
    });
    assert.equal(answers.full[13].invoice.invoice_number, 'INV-2026-0020');
    assert.equal(answers.mapped[13].invoice.nr, 'INV-2026-0020');
    assert.equal(answers.mapped[13].invoice.betrag, '834.43');
  });
});
