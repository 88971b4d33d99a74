#!/usr/bin/env node
import { applyHeapSettings } from '../dist/cli/heap-settings.js';

// Before anything else is loaded: see heap-settings.ts for why and what.
applyHeapSettings();
const { main } = await import('../dist/cli/main.js');
process.exitCode = await main(process.argv);
