// Times every SQLite statement an API process runs, by SQL text: preload it into the server with
//   SQLITE_STATEMENT_TIMES=/tmp/statements.tsv NODE_OPTIONS="--require ./apps/bench/sqlite-statement-times.cjs" \
//     node apps/bench/http-send-cost.mjs --socket
// and when the process exits (the API exits after SIGTERM, as the bench tools stop it) the file gets one line
// per statement, slowest in total first: calls, total µs, µs per call, SQL (whitespace folded).
// Processes that never load better-sqlite3 write nothing. Wall time inside better-sqlite3's
// run/get/all/iterate (and exec), so it includes the SQLite work and the row conversion, not the
// caller's mapping. Transactions' BEGIN/COMMIT are prepared natively and are not counted.
'use strict';
const { writeFileSync } = require('node:fs');
const Module = require('node:module');

const out = process.env.SQLITE_STATEMENT_TIMES;
if (out) {
  const stats = new Map();
  const record = (sql, started) => {
    const us = Number(process.hrtime.bigint() - started) / 1000;
    let s = stats.get(sql);
    if (!s) stats.set(sql, (s = { calls: 0, us: 0 }));
    s.calls++;
    s.us += us;
  };
  let patched = false;
  const load = Module._load;
  Module._load = function (request, ...rest) {
    const exported = load.call(this, request, ...rest);
    if (!patched && request === 'better-sqlite3') {
      patched = true;
      patch(exported);
    }
    return exported;
  };
  function patch(Database) {
    const prepare = Database.prototype.prepare;
    Database.prototype.prepare = function (source) {
      const statement = prepare.call(this, source);
      const sql = String(source).replace(/\s+/g, ' ').trim();
      for (const method of ['run', 'get', 'all', 'iterate']) {
        const original = statement[method];
        statement[method] = function (...args) {
          const started = process.hrtime.bigint();
          try {
            return original.apply(this, args);
          } finally {
            record(sql, started);
          }
        };
      }
      return statement;
    };
    const exec = Database.prototype.exec;
    Database.prototype.exec = function (source) {
      const started = process.hrtime.bigint();
      try {
        return exec.call(this, source);
      } finally {
        record(`EXEC ${String(source).replace(/\s+/g, ' ').trim()}`, started);
      }
    };
  }
  const write = () => {
    if (stats.size === 0) return;
    const rows = [...stats].sort((a, b) => b[1].us - a[1].us);
    writeFileSync(
      out,
      rows
        .map(
          ([sql, s]) => `${s.calls}\t${Math.round(s.us)}\t${(s.us / s.calls).toFixed(1)}\t${sql}`,
        )
        .join('\n') + '\n',
    );
  };
  process.once('exit', write);
}
