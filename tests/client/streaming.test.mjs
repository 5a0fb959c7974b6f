// Long and large calls through the official MCP TypeScript SDK client (issue 5): progress
// notifications while rows stream (and the SDK's resetTimeoutOnProgress keeping a call alive
// past its timeout), cancellation through an AbortSignal, and the server's peak memory after
// 200,000-row statements.
//
//   eval "$(bash scripts/db.sh env)"; bash scripts/db.sh start
//   bash scripts/db.sh config /tmp/saia-test.yaml
//   SAIA_MCP_BIN=build/saia-mcp SAIA_TEST_CONFIG=/tmp/saia-test.yaml \
//     node --test tests/client/streaming.test.mjs
//
// Environment as for sdk_client.test.mjs. To the tenants of SAIA_TEST_CONFIG this test adds
// `stream_big` (tenant full's account with max_rows 1000000, max_bytes 4 MiB, a 60 s limit) in
// a temporary copy. Time bounds are generous: this is not a timing test.

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
const HWM_BOUND_KB = 64 * 1024;

// 180^3 combinations; the LIMIT decides.
const BIG_ROWS = 'SELECT a.id AS stream_n1, b.id, c.id FROM invoice_items a, invoice_items b,'
  + ' invoice_items c LIMIT 200000';
// One combination in 300 passes: rows trickle at some 40,000 a second.
const trickle = (marker, n) => `SELECT a.id AS ${marker}, b.id, c.id, d.id FROM invoice_items a,`
  + ' invoice_items b, invoice_items c, contacts d'
  + ` WHERE (a.id + b.id * 3 + c.id * 7 + d.id * 11) % 300 = 0 LIMIT ${n}`;
// 233,280,000 combinations to count: some 12 s.
const SLOW_COUNT = 'SELECT COUNT(*) AS stream_n4 FROM invoice_items a, invoice_items b,'
  + ' invoice_items c, contacts d';

let tmpDir;
let CONFIG;

function serverEnv() {
  return {
    ...getDefaultEnvironment(),
    SAIA_DEMO_PASSWORD: process.env.SAIA_DEMO_PASSWORD ?? 'demo-ro-pw',
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
  const client = new Client({ name: 'saia-streaming-test', version: '1.0.0' });
  await client.connect(transport);
  return { client, transport, stderr: () => stderr, close: () => client.close() };
}

// Peak resident set (VmHWM) of the server process so far, in kB.
function vmHwmKb(s) {
  const pid = s.transport.pid;
  assert.ok(pid, 'the server process id');
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  assert.ok(m, 'VmHWM in /proc/PID/status');
  return Number(m[1]);
}

function rows(result, what) {
  assert.ok(!result.isError, `${what}: ${result.content?.[0]?.text}`);
  const sc = result.structuredContent;
  assert.equal(sc.rows.length, sc.row_count, `${what}: row_count`);
  return sc;
}

before(() => {
  assert.ok(existsSync(BIN), `server binary not found: ${BIN} (build it, or set SAIA_MCP_BIN)`);
  tmpDir = mkdtempSync(join(tmpdir(), 'saia-stream-'));
  let base = process.env.SAIA_TEST_CONFIG;
  if (!base) {
    base = join(tmpDir, 'base.yaml');
    execFileSync('bash', [join(ROOT, 'scripts', 'db.sh'), 'config', base], { stdio: ['ignore', 'ignore', 'inherit'] });
  }
  const text = readFileSync(base, 'utf8');
  const port = /\n {2}full:[\s\S]*?port: (\d+)/.exec(text)?.[1];
  assert.ok(port, `tenant full with a port in ${base}`);
  CONFIG = join(tmpDir, 'tenants.yaml');
  writeFileSync(CONFIG, `${text}
  stream_big:   # added by streaming.test.mjs: high caps
    database: {host: 127.0.0.1, port: ${port}, name: saia_demo, user: saia_ro,
               password_env: SAIA_DEMO_PASSWORD, ssl_mode: disabled, connect_timeout_s: 2}
    enabled_tools: [execute_safe_query]
    limits: {max_rows: 1000000, max_bytes: 4194304, query_timeout_ms: 60000}
`);
});

after(() => {
  if (tmpDir) rmSync(tmpDir, { recursive: true, force: true });
});

describe('streaming through the SDK client', () => {
  test('progress arrives in increasing order while rows stream, and resets the timeout', async (t) => {
    const s = await connect('stream_big');
    try {
      const seen = [];
      const t0 = Date.now();
      // Some 4 s of rows against a 2.5 s timeout: only progress keeps the call alive.
      const result = await s.client.callTool(
        { name: 'execute_safe_query', arguments: { sql: trickle('stream_n2', 150000), limit: 1000000 } },
        undefined,
        { onprogress: (p) => seen.push(p), resetTimeoutOnProgress: true, timeout: 2500 },
      );
      const ms = Date.now() - t0;
      const sc = rows(result, 'trickle');
      assert.equal(sc.row_count, 150000);
      assert.equal(sc.truncated, false);
      assert.ok(seen.length >= 2, `progress notifications: ${seen.length}`);
      for (let i = 1; i < seen.length; i++) {
        assert.ok(seen[i].progress > seen[i - 1].progress,
          `progress increases: ${seen[i - 1].progress} then ${seen[i].progress}`);
      }
      assert.ok(seen.at(-1).progress <= 150000);
      assert.equal(typeof seen[0].message, 'string');
      t.diagnostic(`${seen.length} progress notifications in ${ms} ms`);
    } finally {
      await s.close();
    }
  });

  test('200,000 rows under the default caps: cut at max_rows, memory bounded', async () => {
    const s = await connect('full');
    try {
      const result = await s.client.callTool({
        name: 'execute_safe_query', arguments: { sql: BIG_ROWS, limit: 1000000 },
      });
      const sc = rows(result, 'default caps');
      assert.equal(sc.truncated, true);
      assert.equal(sc.row_count, 500);
      for (const r of sc.rows) assert.equal(r.length, 3);
      const kb = vmHwmKb(s);
      assert.ok(kb < HWM_BOUND_KB, `VmHWM ${kb} kB < ${HWM_BOUND_KB} kB`);
      // The session goes on after the dropped rows.
      const next = await s.client.callTool({
        name: 'execute_safe_query', arguments: { sql: 'SELECT COUNT(*) FROM invoice_items' },
      });
      assert.deepEqual(rows(next, 'next call').rows, [[180]]);
    } finally {
      await s.close();
    }
  });

  test('all 200,000 rows with high caps: complete, memory bounded', async (t) => {
    const s = await connect('stream_big');
    try {
      const result = await s.client.callTool(
        { name: 'execute_safe_query', arguments: { sql: BIG_ROWS, limit: 1000000 } },
        undefined,
        { timeout: 120000 },
      );
      const sc = rows(result, 'high caps');
      assert.equal(sc.truncated, false);
      assert.equal(sc.row_count, 200000);
      const kb = vmHwmKb(s);
      assert.ok(kb < HWM_BOUND_KB, `VmHWM ${kb} kB < ${HWM_BOUND_KB} kB`);
      t.diagnostic(`VmHWM ${kb} kB`);
    } finally {
      await s.close();
    }
  });

  test('an aborted call is cancelled on the server and the session goes on', async () => {
    const s = await connect('full');
    try {
      const ac = new AbortController();
      const slow = s.client.callTool(
        { name: 'execute_safe_query', arguments: { sql: SLOW_COUNT } },
        undefined,
        { signal: ac.signal, timeout: 60000 },
      );
      setTimeout(() => ac.abort('test'), 500);
      await assert.rejects(slow);
      // ping is answered, and the next call does not wait for the slow statement (12 s).
      const t0 = Date.now();
      await s.client.ping();
      const next = await s.client.callTool(
        { name: 'execute_safe_query', arguments: { sql: 'SELECT COUNT(*) FROM invoice_items' } },
        undefined,
        { timeout: 5000 },
      );
      assert.deepEqual(rows(next, 'after cancel').rows, [[180]]);
      assert.ok(Date.now() - t0 < 5000, 'the next call was not held up by the cancelled one');
    } finally {
      await s.close();
    }
  });
});
