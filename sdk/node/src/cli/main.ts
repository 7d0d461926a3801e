#!/usr/bin/env node
// mittr-cli: login, events, endpoints, tail and listen (sdk/node/src/cli/commands.ts).
import { program } from './commands.ts';

program().parseAsync(process.argv).catch((err: unknown) => {
  console.error(`mittr-cli: ${(err as Error).message}`);
  process.exit(1);
});
