#!/usr/bin/env node
// The lvs-harness command. Exit codes: 0 success, 1 a failed assertion, 2 bad input or environment.
import { runCli } from './run-cli.js';
import { tearDownOnSignals } from './tear-down-on-signals.js';

tearDownOnSignals();
process.exitCode = await runCli(process.argv.slice(2));
