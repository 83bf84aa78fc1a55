/** `npm run bench`: runs every benchmark script in turn; each prints its own figures. */
const scripts = ['./devdb.ts', './shop.ts'];

for (const script of scripts) {
  process.stdout.write(`\n== ${script} ==\n`);
  await import(script);
}
