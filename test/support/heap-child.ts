/** Run by test/cli.test.ts: reruns itself with the CLI's heap flag, then prints its flags and exits with argv[2]. */
import { needsRoomyHeap, rerunWithRoomyHeap } from '../../src/cli/heap.js';

if (needsRoomyHeap()) process.exit(await rerunWithRoomyHeap());
process.stdout.write(JSON.stringify(process.execArgv) + '\n');
process.exitCode = Number(process.argv[2] ?? 0);
