// The built language server (dist/server.js) over stdio, for the benchmarks that time it:
// spawned, connected, initialised and shut down the same way in each. A benchmark registers its
// own notification handlers on `conn` before `init()`, which starts listening.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import rpc from 'vscode-languageserver-protocol/node.js';

const { createProtocolConnection, StreamMessageReader, StreamMessageWriter } = rpc;
const serverPath = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'server.js');

/** Exits with a message when the server is not built. */
export function requireBuiltServer(bench) {
  if (existsSync(serverPath)) return;
  console.error(`${bench}: dist/server.js is missing: run \`node scripts/build.mjs\` first`);
  process.exit(2);
}

/** A server process and its connection (not listening until `init`). `nodeArgs`: e.g. --expose-gc. */
export function startServer(nodeArgs = []) {
  const child = spawn(process.execPath, [...nodeArgs, serverPath, '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const conn = createProtocolConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  return {
    child,
    conn,
    async init(initializationOptions) {
      conn.listen();
      await conn.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: { textDocument: { inlayHint: {}, publishDiagnostics: { versionSupport: true } } }, initializationOptions });
      await conn.sendNotification('initialized', {});
    },
    async stop() {
      await conn.sendRequest('shutdown');
      await conn.sendNotification('exit');
      await new Promise((r) => (child.exitCode !== null ? r() : child.once('exit', r)));
      conn.dispose();
    },
  };
}
