#!/usr/bin/env node
/**
 * The `flink-kit` command's entry point. It only checks the Node.js version, turns on Node's
 * compile cache and loads the parser; each command's code is imported when that command runs.
 * No static imports here: this file must run on old Node versions to say which one is needed.
 * @packageDocumentation
 */

const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 19)) {
  process.stderr.write(
    `flink-kit: needs Node.js 22.19 or newer, this is v${process.versions.node}. Install Node.js 24 LTS (https://nodejs.org/, or \`nvm install 24\`) and run it again.\n`,
  );
  process.exit(1);
}

// `flink-kit list | head -1`: a reader that stops early ends the output quietly, not with a stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
});

// Caches compiled code of flink-kit and its dependencies between runs (in the OS temp dir): start-up matters for a CLI.
(await import('node:module')).enableCompileCache?.();
const { main } = await import('./program.js');
process.exitCode = await main(process.argv.slice(2));

export {};
