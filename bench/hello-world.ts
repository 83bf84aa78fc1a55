/** The baseline for bench/shop.ts: a bare Koa app answering JSON, in its own process like the API. */
import Koa from 'koa';

const app = new Koa();
app.use((ctx) => {
  ctx.body = { hello: 'world' };
});
const server = app.listen(0, '127.0.0.1', () => {
  process.stdout.write(`hello-world listening on ${(server.address() as { port: number }).port}\n`);
});
