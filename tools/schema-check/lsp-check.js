// Opens YAML files in yaml-language-server (over stdio, as an editor
// would) and prints each file's diagnostics: "FILE: N diagnostic(s)" then
// "  line:col message" lines. Exit 0 always; the Rust test judges.
// Usage: node lsp-check.js FILE...
const { spawn } = require('child_process');
const fs = require('fs');
const path = require('path');

const files = process.argv.slice(2).map((f) => path.resolve(f));
const server = spawn(process.execPath, [require.resolve('yaml-language-server/bin/yaml-language-server'), '--stdio']);
let buffer = Buffer.alloc(0);
let id = 0;
const pending = new Map(files.map((f) => ['file://' + f, null]));
const uriOf = (f) => 'file://' + f;

function send(msg) {
  const body = Buffer.from(JSON.stringify({ jsonrpc: '2.0', ...msg }));
  server.stdin.write(`Content-Length: ${body.length}\r\n\r\n`);
  server.stdin.write(body);
}

function finish() {
  for (const f of files) {
    const diags = pending.get(uriOf(f)) || [];
    console.log(`${path.relative(process.cwd(), f)}: ${diags.length} diagnostic(s)`);
    for (const d of diags) {
      console.log(`  ${d.range.start.line + 1}:${d.range.start.character + 1} ${d.message.replace(/\s+/g, ' ')}`);
    }
  }
  server.kill();
  process.exit(0);
}

server.stdout.on('data', (chunk) => {
  buffer = Buffer.concat([buffer, chunk]);
  for (;;) {
    const header = buffer.indexOf('\r\n\r\n');
    if (header < 0) return;
    const len = Number(/Content-Length: (\d+)/i.exec(buffer.slice(0, header).toString())[1]);
    if (buffer.length < header + 4 + len) return;
    const msg = JSON.parse(buffer.slice(header + 4, header + 4 + len).toString());
    buffer = buffer.slice(header + 4 + len);
    if (msg.id !== undefined && msg.method) {
      // Requests from the server (configuration): answer them.
      const result = msg.method === 'workspace/configuration'
        ? msg.params.items.map(() => ({ validate: true, schemaStore: { enable: false }, yamlVersion: '1.2' }))
        : null;
      send({ id: msg.id, result });
    } else if (msg.id === 1) {
      send({ method: 'initialized', params: {} });
      send({ method: 'workspace/didChangeConfiguration', params: { settings: { yaml: { validate: true, schemaStore: { enable: false }, yamlVersion: '1.2' } } } });
      for (const f of files) {
        send({ method: 'textDocument/didOpen', params: { textDocument: { uri: uriOf(f), languageId: 'yaml', version: 1, text: fs.readFileSync(f, 'utf8') } } });
      }
    } else if (msg.method === 'textDocument/publishDiagnostics' && pending.has(msg.params.uri)) {
      pending.set(msg.params.uri, msg.params.diagnostics);
      if ([...pending.values()].every((v) => v !== null)) setTimeout(finish, 1500);
    }
  }
});

send({ id: ++id, method: 'initialize', params: { processId: process.pid, rootUri: 'file://' + process.cwd(), capabilities: { workspace: { configuration: true } } } });
setTimeout(finish, 30000);
