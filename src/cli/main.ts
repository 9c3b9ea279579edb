#!/usr/bin/env node
/** The `semblance` command. The only layer (with the server) that prints or exits. */
import { SemblanceError } from '../util/errors.js';
import { parseArgs } from './args.js';
import { showCommand } from './show.js';

const USAGE = `usage: semblance <command> [options]

commands:
  show BIN [--json]         list the functions of a binary
  show BIN:FUNC [--json]    disassembly of one function (FUNC: name or 0x address) by basic block`;

// A closed pipe (`semblance show BIN | head`) is not an error.
process.stdout.on('error', (e: NodeJS.ErrnoException) => { if (e.code === 'EPIPE') process.exit(0); });

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const io = { out: (line: string) => process.stdout.write(line + '\n') };
  const args = parseArgs(rest, []);
  const json = args.flags.has('json');
  switch (command) {
    case 'show':
      await showCommand(args.positional, json, io);
      return 0;
    case undefined: case 'help': case '--help': case '-h':
      process.stdout.write(USAGE + '\n');
      return command === undefined ? 2 : 0;
    default:
      throw new SemblanceError('usage', `unknown command '${command}' (try: semblance help)`);
  }
}

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (e: unknown) => {
    if (e instanceof SemblanceError) {
      process.stderr.write(`semblance: ${e.message}\n`);
      process.exitCode = e.code === 'usage' ? 2 : 1;
    } else {
      const msg = e instanceof Error ? e.message : String(e);
      process.stderr.write(`semblance: internal error: ${msg.split('\n')[0]}\n`);
      if (process.env.SEMBLANCE_DEBUG && e instanceof Error) process.stderr.write(String(e.stack) + '\n');
      process.exitCode = 1;
    }
  },
);
