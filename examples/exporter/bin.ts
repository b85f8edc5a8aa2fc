#!/usr/bin/env node
/**
 * The ipvs-exporter command: `ipvs-exporter --listen :9850 --extras`.
 * @module
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../lib/native';
import { startExporter } from './main';

const version = (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
const io = { out: (t: string) => process.stdout.write(t), err: (t: string) => process.stderr.write(t), version };

startExporter(process.argv.slice(2), io).then(
  (exporter) => {
    if (typeof exporter === 'number') return void (process.exitCode = exporter);
    let stopping = false;
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) process.exit(1); // a second signal: do not wait
      stopping = true;
      io.err(`ipvs-exporter: ${signal}: shutting down\n`);
      exporter.close().then(() => process.exit(0));
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  },
  (e: unknown) => {
    io.err(`ipvs-exporter: ${e instanceof Error ? e.stack : String(e)}\n`);
    process.exitCode = 1;
  },
);
