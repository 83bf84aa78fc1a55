import { createHash, randomBytes } from 'node:crypto';
import path from 'node:path';
import Router from '@koa/router';
import { dictionary } from '../dictionary.ts';
import type { PlatformFactory, SandboxContext, SandboxRouter, SandboxState } from '../runtime.ts';
import { sameSecret } from '../secrets.ts';
import { JsonState, readJsonFile, writeJsonFile } from '../storage.ts';

/**
 * The Kuaidi100 real-time query look-alike (`/kuaidi100`, like https://poll.kuaidi100.com): `POST /poll/query.do`
 * with the form fields `customer`, `param` (JSON with `com`, `num`, optional `phone`, `order`) and `sign` =
 * upper-case MD5 hex of `param + key + customer`. A wrong customer or signature gets `{result: false, returnCode:
 * "503"}`, as Kuaidi100 answers it.
 *
 * Every parcel has a trace, made up from its tracking number (the cities) and the time since it was first asked
 * about on the sandbox clock (how far it got): 揽收 at once, 运输中 after 5 and 15 minutes, 派送中 after 30, 签收
 * after 60. `POST /__sandbox/clock?advanceSeconds=N` moves it along.
 */

/** Minutes after the first query at which each step happens, and Kuaidi100's `state` once it has. */
const STEPS: readonly { afterMinutes: number; state: string; describe(route: Route): string; location(route: Route): string }[] = [
  {
    afterMinutes: 0,
    state: '1',
    describe: (route) => `【${route.from}】的快递员已揽收，感谢使用`,
    location: (route) => route.from,
  },
  {
    afterMinutes: 5,
    state: '0',
    describe: (route) => `快件已从【${route.from}】发出，下一站【${route.hub}转运中心】`,
    location: (route) => route.from,
  },
  {
    afterMinutes: 15,
    state: '0',
    describe: (route) => `快件已到达【${route.hub}转运中心】，正发往【${route.to}】`,
    location: (route) => route.hub,
  },
  {
    afterMinutes: 30,
    state: '5',
    describe: (route) => `【${route.to}】的快递员正在派件，电话：1380013${route.courierDigits}`,
    location: (route) => route.to,
  },
  {
    afterMinutes: 60,
    state: '3',
    describe: (route) => `快件已签收，签收人：本人。如有疑问请联系【${route.to}】`,
    location: (route) => route.to,
  },
];

const ORIGINS = ['杭州市余杭区', '广州市白云区', '深圳市宝安区', '苏州市吴中区', '义乌市', '东莞市长安镇'];
const HUBS = ['杭州', '广州', '上海', '武汉', '郑州', '成都'];
const DESTINATIONS = ['上海市浦东新区', '北京市朝阳区', '南京市鼓楼区', '成都市武侯区', '西安市雁塔区', '天津市和平区'];

interface Route {
  from: string;
  hub: string;
  to: string;
  courierDigits: string;
}

/** The same tracking number always takes the same route. */
function routeOf(trackingNo: string): Route {
  const digest = createHash('sha256').update(trackingNo).digest();
  const pick = <T>(list: readonly T[], byte: number) => list[digest[byte]! % list.length]!;
  return {
    from: pick(ORIGINS, 0),
    hub: pick(HUBS, 1),
    to: pick(DESTINATIONS, 2),
    courierDigits: String(digest.readUInt16BE(3) % 10000).padStart(4, '0'),
  };
}

/** `2024-01-02 10:00:00` in Beijing time, as Kuaidi100 writes times. */
function beijingTime(epochMs: number): string {
  const shifted = new Date(epochMs + 8 * 3_600_000).toISOString();
  return `${shifted.slice(0, 10)} ${shifted.slice(11, 19)}`;
}

/** The companies the sandbox knows (Kuaidi100's lower-case codes). */
const COMPANIES = new Set(['shunfeng', 'zhongtong', 'yuantong', 'yunda', 'shentong', 'jtexpress', 'ems', 'jd']);
const TRACKING_NO = /^[A-Za-z0-9]{6,32}$/;

interface Credentials {
  customer: string;
  key: string;
}

interface Kuaidi100State {
  /** `<com>:<num>` → when it was first asked about (sandbox clock, epoch ms). */
  parcels: Record<string, { firstQueriedAt: number }>;
}

async function loadCredentials(dataDir: string): Promise<Credentials> {
  const file = path.join(dataDir, 'credentials.json');
  const existing = await readJsonFile<Credentials>(file);
  if (existing) return existing;
  // Kuaidi100's customer ids are 32 upper-case hex digits; the key is the secret, marked as a sandbox one.
  const created: Credentials = {
    customer: randomBytes(16).toString('hex').toUpperCase(),
    key: `sandbox${randomBytes(12).toString('hex')}`,
  };
  await writeJsonFile(file, created);
  return created;
}

function refuse(ctx: SandboxContext, returnCode: string, message: string): void {
  ctx.status = 200;
  ctx.body = { result: false, returnCode, message };
}

export const createKuaidi100Platform: PlatformFactory = async (runtime) => {
  const credentials = await loadCredentials(runtime.dataDir);
  const store = await JsonState.open<Kuaidi100State>(path.join(runtime.dataDir, 'state.json'), () => ({ parcels: {} }));
  store.value.parcels = dictionary(store.value.parcels);

  const router: SandboxRouter = new Router<SandboxState>();
  router.post('/poll/query.do', async (ctx) => {
    const form = new URLSearchParams(ctx.state.rawBody.toString('utf8'));
    const customer = form.get('customer');
    const param = form.get('param');
    const sign = form.get('sign');
    if (!customer || !param || !sign) return refuse(ctx, '400', '找不到对应公司或参数不全（customer、param、sign 必填）');
    const expected = createHash('md5').update(`${param}${credentials.key}${credentials.customer}`, 'utf8').digest('hex').toUpperCase();
    if (customer !== credentials.customer || !sameSecret(sign, expected)) return refuse(ctx, '503', '验证签名失败');
    let query: unknown;
    try {
      query = JSON.parse(param);
    } catch {
      return refuse(ctx, '400', 'param 不是 JSON');
    }
    const { com, num, order } = (typeof query === 'object' && query !== null ? query : {}) as Record<string, unknown>;
    if (typeof com !== 'string' || !COMPANIES.has(com)) return refuse(ctx, '400', '找不到对应公司');
    if (typeof num !== 'string' || !TRACKING_NO.test(num)) return refuse(ctx, '400', '快递单号格式不正确');

    const key = `${com}:${num}`;
    const now = runtime.now();
    if (store.value.parcels[key] === undefined) {
      store.value.parcels[key] = { firstQueriedAt: now };
      await store.save();
    }
    const { firstQueriedAt } = store.value.parcels[key];
    const route = routeOf(num);
    const reached = STEPS.filter((step) => firstQueriedAt + step.afterMinutes * 60_000 <= now);
    const events = reached.map((step) => {
      const time = beijingTime(firstQueriedAt + step.afterMinutes * 60_000);
      return { time, ftime: time, context: step.describe(route), location: step.location(route) };
    });
    const latest = reached.at(-1)!;
    ctx.body = {
      message: 'ok',
      nu: num,
      ischeck: latest.state === '3' ? '1' : '0',
      condition: 'F00',
      com,
      status: '200',
      state: latest.state,
      data: order === 'asc' ? events : events.reverse(),
    };
  });

  const control: SandboxRouter = new Router<SandboxState>();
  control.get('/parcels', (ctx) => {
    ctx.body = Object.entries(store.value.parcels).map(([parcel, { firstQueriedAt }]) => ({
      parcel,
      firstQueriedAt: new Date(firstQueriedAt).toISOString(),
    }));
  });

  return {
    prefix: '/kuaidi100',
    router,
    control,
    apiEnv: {
      KUAIDI100_API_BASE_URL: `${runtime.baseUrl}/kuaidi100`,
      KUAIDI100_CUSTOMER: credentials.customer,
      KUAIDI100_KEY: credentials.key,
    },
  };
};
