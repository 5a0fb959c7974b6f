#!/usr/bin/env node
// A short, readable MCP session against saia-mcp, driven by the official SDK client.
//
//   SAIA_DB_DIR=.demo SAIA_DB_PORT=23306 bash scripts/db.sh up     # the demo database
//   (cd tests/client && npm ci)                                    # once
//   node tests/client/demo.mjs
//
// Environment: SAIA_MCP_BIN (default <repo>/build/saia-mcp), SAIA_DEMO_CONFIG (default
// <repo>/tenants.example.yaml), SAIA_DEMO_TENANT (default demo), SAIA_DEMO_PASSWORD
// (default demo-ro-pw, as scripts/db.sh). Exits non-zero when anything fails unexpectedly.

import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport, getDefaultEnvironment } from '@modelcontextprotocol/sdk/client/stdio.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = process.env.SAIA_MCP_BIN || join(ROOT, 'build', 'saia-mcp');
const CONFIG = process.env.SAIA_DEMO_CONFIG || join(ROOT, 'tenants.example.yaml');
const TENANT = process.env.SAIA_DEMO_TENANT || 'demo';
const PASSWORD = process.env.SAIA_DEMO_PASSWORD ?? 'demo-ro-pw';

const color = process.stdout.isTTY && !process.env.NO_COLOR;
const bold = (s) => (color ? `\x1b[1m${s}\x1b[0m` : s);
const dim = (s) => (color ? `\x1b[2m${s}\x1b[0m` : s);
const red = (s) => (color ? `\x1b[31m${s}\x1b[0m` : s);

let failures = 0;
let serverStderr = '';

function header(title) {
  console.log('\n' + bold(`── ${title} ${'─'.repeat(Math.max(3, 76 - title.length))}`));
}

// Display width, roughly: code points (good enough for the accents and emoji we show).
const width = (s) => [...s].length;
function clip(s, max = 40) {
  const cps = [...s];
  return cps.length <= max ? s : cps.slice(0, max - 1).join('') + '…';
}
function cell(v) {
  if (v === null || v === undefined) return 'NULL';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v).replace(/[\x00-\x1f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
function table(headers, rows, maxCell = 40) {
  const body = rows.map((r) => r.map((v) => clip(cell(v), maxCell)));
  const w = headers.map((h, i) => Math.max(width(h), ...body.map((r) => width(r[i] ?? ''))));
  const line = (r) => '  ' + r.map((c, i) => c + ' '.repeat(w[i] - width(c))).join('  ').trimEnd();
  console.log(line(headers));
  console.log(dim(line(w.map((n) => '─'.repeat(n)))));
  for (const r of body) console.log(line(r));
}
function kv(obj, keys = Object.keys(obj)) {
  const w = Math.max(...keys.map((k) => k.length));
  for (const k of keys) {
    if (obj[k] === undefined) continue;
    console.log(`  ${k.padEnd(w)}  ${typeof obj[k] === 'object' ? JSON.stringify(obj[k]) : obj[k]}`);
  }
}

async function tool(client, name, args = {}) {
  header(`${name} ${JSON.stringify(args)}`);
  const t0 = process.hrtime.bigint();
  const r = await client.callTool({ name, arguments: args });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.isError) {
    console.log(red(`  tool error: ${r.content?.[0]?.text}`));
    failures++;
    return null;
  }
  console.log(dim(`  (${ms.toFixed(1)} ms)`));
  return r.structuredContent ?? JSON.parse(r.content[0].text);
}

async function main() {
  if (!existsSync(BIN)) throw new Error(`server binary not found: ${BIN} (build it with meson, or set SAIA_MCP_BIN)`);
  if (!existsSync(CONFIG)) throw new Error(`tenants file not found: ${CONFIG} (or set SAIA_DEMO_CONFIG)`);

  const transport = new StdioClientTransport({
    command: BIN,
    args: ['--config', CONFIG, '--tenant', TENANT],
    // the SDK passes only a few variables (PATH, HOME, ...): name the password's
    env: { ...getDefaultEnvironment(), SAIA_DEMO_PASSWORD: PASSWORD },
    stderr: 'pipe',
  });
  transport.stderr?.on('data', (d) => { serverStderr += d.toString(); });
  let protocolVersion = '?';
  transport.setProtocolVersion = (v) => { protocolVersion = v; };

  const client = new Client({ name: 'saia-demo', version: '1.0.0' });
  console.log(bold(`saia-mcp demo: tenant "${TENANT}"`));
  console.log(dim(`  $ ${BIN} --config ${CONFIG} --tenant ${TENANT}`));
  await client.connect(transport);
  try {
    const sv = client.getServerVersion();
    header('initialize');
    kv({
      server: `${sv.name} ${sv.version}${sv.title ? ` (${sv.title})` : ''}`,
      protocol: protocolVersion,
      capabilities: JSON.stringify(client.getServerCapabilities()),
      instructions: client.getInstructions() ? clip(client.getInstructions(), 100) : undefined,
    });

    header('tools/list');
    const { tools } = await client.listTools();
    table(['tool', 'title', 'read-only'], tools.map((t) => [t.name, t.title ?? '', t.annotations?.readOnlyHint ? 'yes' : 'NO']));

    const conn = await tool(client, 'test_customer_database_connection');
    if (conn) {
      kv(conn, ['ok', 'server_version', 'server_flavor', 'database', 'user', 'latency_ms', 'tls', 'can_write']);
      console.log(`  warnings${' '.repeat(8)}${conn.warnings?.length ? conn.warnings.join('; ') : '(none)'}`);
      if (!conn.ok) failures++;
    }

    const list = await tool(client, 'list_customer_tables');
    if (list) {
      console.log(`  database ${list.database}: ${list.table_count} tables and views`);
      table(['name', 'type', 'engine', 'rows~', 'comment'],
        list.tables.map((t) => [t.name, t.type, t.engine ?? '', t.rows_estimate ?? '', t.comment ?? '']));
    }

    const desc = await tool(client, 'describe_customer_table', { table_name: 'invoices' });
    if (desc) {
      table(['column', 'type', 'null', 'key', 'default', 'extra'],
        desc.columns.map((c) => [c.name, c.type, c.nullable ? 'yes' : 'no', c.key ?? '', c.default ?? '', c.extra ?? '']), 52);
      console.log(`  primary key   ${JSON.stringify(desc.primary_key)}`);
      for (const i of desc.indexes ?? []) console.log(`  index         ${i.name}${i.unique ? ' (unique)' : ''} ${JSON.stringify(i.columns)}`);
      for (const f of desc.foreign_keys ?? []) {
        console.log(`  foreign key   ${f.name}: ${JSON.stringify(f.columns)} -> ${f.referenced_table} ${JSON.stringify(f.referenced_columns)}`);
      }
    }

    const count = await tool(client, 'count_customer_table_rows', { table_name: 'invoices' });
    if (count) console.log(`  ${count.table}: ${count.count} rows (exact COUNT(*))`);

    const inv = await tool(client, 'get_customer_table_sample', { table_name: 'invoices', limit: 3 });
    if (inv) {
      table(inv.columns.map((c) => c.name), inv.rows, 24);
      console.log(dim(`  row_count ${inv.row_count}, truncated ${inv.truncated}; DECIMAL comes as a string: ${JSON.stringify(inv.rows[0]?.[inv.columns.findIndex((c) => c.name === 'total_amount')])}`));
    }

    const odd = await tool(client, 'get_customer_table_sample', { table_name: 'odd_values', limit: 3 });
    if (odd) {
      console.log(dim('  exact values, as the JSON the server sent (column  type  row 1 | row 2 | row 3):'));
      const w = Math.max(...odd.columns.map((c) => c.name.length));
      const tw = Math.max(...odd.columns.map((c) => c.type.length));
      odd.columns.forEach((c, i) => {
        console.log(`  ${c.name.padEnd(w)}  ${dim(c.type.padEnd(tw))}  ${odd.rows.map((r) => JSON.stringify(r[i])).join(dim(' | '))}`);
      });
    }

    const ov = await tool(client, 'get_database_overview');
    if (ov) {
      console.log(`  database ${ov.database}: ${ov.table_count} tables and views`);
      table(['name', 'type', 'rows~', 'columns'], ov.tables.map((t) => [t.name, t.type ?? '', t.rows_estimate ?? '', t.column_count]));
    }

    const full = await tool(client, 'get_comprehensive_database_overview');
    if (full) {
      console.log(`  database ${full.database}: ${full.table_count} tables and views, truncated ${full.truncated}`);
      table(['name', 'type', 'columns', 'primary key', 'indexes', 'foreign keys'],
        full.tables.map((t) => [t.name, t.type ?? '', t.column_count, (t.primary_key ?? []).join(', '),
          (t.indexes ?? []).length, (t.foreign_keys ?? []).map((f) => `${f.columns.join(',')} -> ${f.referenced_table}`).join('; ')]), 60);
    }

    // The business tools of the original setup guide, on the same data.
    const latest = await tool(client, 'get_latest_invoice');
    if (latest?.found) kv(latest.invoice, ['invoice_number', 'invoice_date', 'status', 'total_amount', 'currency']);

    const byNo = await tool(client, 'get_invoice_by_number', { invoice_number: 'INV-2025-0001' });
    if (byNo?.found) {
      kv(byNo.invoice, ['invoice_number', 'customer_id', 'invoice_date', 'total_amount']);
      table(['product_id', 'quantity', 'unit_price', 'line_total'],
        byNo.items.map((i) => [i.product_id, i.quantity, i.unit_price, i.line_total]));
    }

    const overdue = await tool(client, 'get_all_invoices', { status: 'overdue', date_from: '2025-01-01', limit: 3 });
    if (overdue) {
      const ix = (n) => overdue.columns.findIndex((c) => c.name === n);
      table(['invoice_number', 'invoice_date', 'status', 'total_amount'],
        overdue.rows.map((r) => [r[ix('invoice_number')], r[ix('invoice_date')], r[ix('status')], r[ix('total_amount')]]));
      console.log(dim(`  newest first; truncated ${overdue.truncated}${overdue.next_offset !== undefined ? `, next_offset ${overdue.next_offset}` : ''}`));
    }

    const cnt = await tool(client, 'get_invoice_count', { status: 'paid' });
    if (cnt) console.log(`  ${cnt.count} paid invoices`);

    const contacts = await tool(client, 'get_contacts', { search_term: "O'Brien" });
    if (contacts) {
      const ix = (n) => contacts.columns.findIndex((c) => c.name === n);
      table(['name', 'email', 'company'], contacts.rows.map((r) => [r[ix('name')], r[ix('email')] ?? '', r[ix('company')] ?? '']));
    }

    const found = await tool(client, 'search_customer_data', { search_term: '2 %' });
    if (found) {
      console.log(dim('  a literal search: the % is a plain character, not a wildcard'));
      table(['table', 'column', 'key', 'value'], found.matches.map((m) => [m.table, m.column, JSON.stringify(m.key), m.value]), 50);
    }

    // A read-only query of the model's own, through the guard, and one it refuses.
    const q = await tool(client, 'execute_safe_query', {
      sql: 'SELECT c.name, COUNT(*) AS invoices, SUM(i.total_amount) AS total FROM invoices i'
        + ' JOIN customers c ON c.id = i.customer_id WHERE i.status = ? GROUP BY c.name'
        + ' ORDER BY total DESC LIMIT 3',
      params: ['paid'],
    });
    if (q) table(q.columns.map((c) => c.name), q.rows);
    const refusedSql = 'SELECT * FROM invoices; DELETE FROM invoices';
    header(`execute_safe_query ${JSON.stringify({ sql: refusedSql })}  (expected: refused)`);
    const ref = await client.callTool({ name: 'execute_safe_query', arguments: { sql: refusedSql } });
    if (ref.isError && ref.content?.[0]?.text?.startsWith('refused:')) {
      console.log(`  isError: true\n  text:    ${ref.content[0].text}`);
    } else {
      console.log(red(`  NOT refused: ${JSON.stringify(ref)}`));
      failures++;
    }

    const hostile = 'invoices; DROP TABLE invoices -- ';
    header(`count_customer_table_rows ${JSON.stringify({ table_name: hostile })}  (expected: a tool error)`);
    const bad = await client.callTool({ name: 'count_customer_table_rows', arguments: { table_name: hostile } });
    if (bad.isError) {
      console.log(`  isError: true`);
      console.log(`  text:    ${bad.content?.[0]?.text}`);
    } else {
      console.log(red(`  NOT an error: ${JSON.stringify(bad.structuredContent)}`));
      failures++;
    }
    const after = await client.callTool({ name: 'count_customer_table_rows', arguments: { table_name: 'invoices' } });
    console.log(dim(`  the session goes on; invoices still has ${after.structuredContent?.count} rows`));
  } finally {
    await client.close();
  }
}

try {
  await main();
} catch (e) {
  console.error(red(`\ndemo failed: ${e?.message ?? e}`));
  failures++;
}
if (failures) {
  if (serverStderr) console.error(dim(`--- server stderr ---\n${serverStderr.trimEnd().slice(-4000)}`));
  console.error(red(`${failures} problem(s)`));
  process.exit(1);
}
console.log('\n' + bold('done: every call answered as expected.'));
