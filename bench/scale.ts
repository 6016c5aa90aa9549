// `npm run bench:scale` / `npx tsx bench/scale.ts [flags]`: the entry point of the scale
// benchmark; what it measures and how is in bench/scale/ (main.ts first). --help lists the flags.
import { main } from './scale/main.js';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
