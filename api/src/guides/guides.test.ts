import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guideListReplySchema, guideReplySchema, storeListReplySchema, UNAMBIGUOUS_CODE_ALPHABET } from '@mall/shared';
import { testConfig } from '../testing/app.ts';
import { addGuide, addStore, startGuideTest, type GuideTestContext } from '../testing/guides.ts';
import { createGuide } from './service.ts';

let context: GuideTestContext;

beforeAll(async () => {
  context = await startGuideTest();
});

afterAll(async () => {
  await context.stop();
});

const asOwner = () => ({ Authorization: `Bearer ${context.tokens.owner}` });
const asViewer = () => ({ Authorization: `Bearer ${context.tokens.viewer}` });

describe('stores', () => {
  it('are created, renamed, closed and listed open first, with their active guide counts', async () => {
    const created = await context.api.http
      .post('/api/admin/stores')
      .set(asOwner())
      .send({ name: ' 徐汇店 ', address: '上海市徐汇区漕溪北路 1 号', phone: '021-12345678' });
    expect(created.status).toBe(201);
    const store = created.body.store;
    expect(store).toMatchObject({ name: '徐汇店', address: '上海市徐汇区漕溪北路 1 号', phone: '021-12345678', status: 'active' });
    const other = await addStore(context, '静安店');
    await addGuide(context, { name: '小王', storeId: other.id });

    const renamed = await context.api.http.patch(`/api/admin/stores/${store.id}`).set(asOwner()).send({ name: '徐汇旗舰店', phone: '' });
    expect(renamed.status).toBe(200);
    expect(renamed.body.store).toMatchObject({ name: '徐汇旗舰店', phone: '', address: '上海市徐汇区漕溪北路 1 号' });
    const closed = await context.api.http.patch(`/api/admin/stores/${store.id}`).set(asOwner()).send({ status: 'closed' });
    expect(closed.body.store.status).toBe('closed');

    const list = await context.api.http.get('/api/admin/stores').set(asViewer());
    expect(list.status).toBe(200);
    const items = storeListReplySchema.parse(list.body).items;
    const names = items.map((item) => item.name);
    expect(names.indexOf('静安店')).toBeLessThan(names.indexOf('徐汇旗舰店'));
    expect(items.find((item) => item.id === other.id)?.activeGuideCount).toBe(1);
  });

  it('keep names unique (409 on create and rename)', async () => {
    const first = await addStore(context, '浦东店');
    const second = await addStore(context, '闵行店');
    const again = await context.api.http.post('/api/admin/stores').set(asOwner()).send({ name: '浦东店' });
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: 'CONFLICT', details: { field: 'name' } });
    const rename = await context.api.http.patch(`/api/admin/stores/${second.id}`).set(asOwner()).send({ name: first.name });
    expect(rename.status).toBe(409);
    expect(rename.body.error.code).toBe('CONFLICT');
  });
});

describe('guides', () => {
  it('get a generated 6-character code from the unambiguous alphabet, and are read back with their store', async () => {
    const store = await addStore(context, '长宁店');
    const guide = await addGuide(context, { name: '李娜', storeId: store.id, wecomUserId: 'lina' });
    expect(guide.code).toMatch(new RegExp(`^[${UNAMBIGUOUS_CODE_ALPHABET}]{6}$`));
    expect(guide).toMatchObject({
      name: '李娜',
      storeId: store.id,
      storeName: '长宁店',
      wecomUserId: 'lina',
      status: 'active',
      bound: false,
      avatarUrl: null,
      shopPath: `pages/shop/index?g=${guide.code}`,
      shopUrl: `http://localhost:10086/shop/pages/shop/index?g=${guide.code}`,
    });
    const read = await context.api.http.get(`/api/admin/guides/${guide.id}`).set(asViewer());
    expect(read.status).toBe(200);
    expect(guideReplySchema.parse(read.body).guide).toEqual(guide);
  });

  it('retry a short code another guide already has (the unique index decides)', async () => {
    const store = await addStore(context, '宝山店');
    const draws = ['AAAAAA', 'AAAAAA', 'BBBBBB'];
    const deps = { models: context.models, h5Origin: testConfig().h5Origin };
    const first = await createGuide(deps, { name: '甲', storeId: store.id }, () => draws.shift()!);
    const second = await createGuide(deps, { name: '乙', storeId: store.id }, () => draws.shift()!);
    expect([first.code, second.code]).toEqual(['AAAAAA', 'BBBBBB']);
  });

  it('get distinct codes when many are created at once', async () => {
    const store = await addStore(context, '并发店');
    const guides = await Promise.all(
      Array.from({ length: 20 }, (_, index) => addGuide(context, { name: `导购${index}`, storeId: store.id })),
    );
    expect(new Set(guides.map((guide) => guide.code)).size).toBe(20);
  });

  it('keep WeCom userids unique among guides who have one (409), and unlink with null', async () => {
    const store = await addStore(context, '嘉定店');
    const first = await addGuide(context, { name: '张三', storeId: store.id, wecomUserId: 'zhangsan' });
    const second = await addGuide(context, { name: '李四', storeId: store.id });
    await addGuide(context, { name: '王五', storeId: store.id });
    const taken = await context.api.http
      .post('/api/admin/guides')
      .set(asOwner())
      .send({ name: '赵六', storeId: store.id, wecomUserId: 'zhangsan' });
    expect(taken.status).toBe(409);
    expect(taken.body.error).toMatchObject({ code: 'CONFLICT', details: { field: 'wecomUserId' } });
    const update = await context.api.http.patch(`/api/admin/guides/${second.id}`).set(asOwner()).send({ wecomUserId: 'zhangsan' });
    expect(update.status).toBe(409);

    const unlinked = await context.api.http.patch(`/api/admin/guides/${first.id}`).set(asOwner()).send({ wecomUserId: null });
    expect(unlinked.body.guide.wecomUserId).toBeNull();
    const linked = await context.api.http
      .patch(`/api/admin/guides/${second.id}`)
      .set(asOwner())
      .send({ wecomUserId: 'zhangsan', phone: '13800000000' });
    expect(linked.status).toBe(200);
    expect(linked.body.guide).toMatchObject({ wecomUserId: 'zhangsan', phone: '13800000000' });
  });

  it('move between open stores only, and do not join a closed one', async () => {
    const open = await addStore(context, '松江店');
    const closing = await addStore(context, '青浦店');
    await context.api.http.patch(`/api/admin/stores/${closing.id}`).set(asOwner()).send({ status: 'closed' });
    const guide = await addGuide(context, { name: '周七', storeId: open.id });
    const join = await context.api.http.post('/api/admin/guides').set(asOwner()).send({ name: '吴八', storeId: closing.id });
    expect(join.status).toBe(409);
    expect(join.body.error.code).toBe('STORE_CLOSED');
    const move = await context.api.http.patch(`/api/admin/guides/${guide.id}`).set(asOwner()).send({ storeId: closing.id });
    expect(move.body.error.code).toBe('STORE_CLOSED');
    const other = await addStore(context, '金山店');
    const moved = await context.api.http.patch(`/api/admin/guides/${guide.id}`).set(asOwner()).send({ storeId: other.id, name: '周七七' });
    expect(moved.body.guide).toMatchObject({ storeId: other.id, storeName: '金山店', name: '周七七' });
  });

  it('leave once, and a departed guide no longer changes', async () => {
    const store = await addStore(context, '奉贤店');
    const guide = await addGuide(context, { name: '郑九', storeId: store.id });
    const left = await context.api.http.post(`/api/admin/guides/${guide.id}/leave`).set(asOwner());
    expect(left.status).toBe(200);
    expect(left.body.guide.status).toBe('left');
    expect(left.body.guide.leftAt).not.toBeNull();
    const again = await context.api.http.post(`/api/admin/guides/${guide.id}/leave`).set(asOwner());
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('GUIDE_LEFT');
    const edit = await context.api.http.patch(`/api/admin/guides/${guide.id}`).set(asOwner()).send({ name: '改名' });
    expect(edit.body.error.code).toBe('GUIDE_LEFT');
    const invite = await context.api.http.post(`/api/admin/guides/${guide.id}/invitations`).set(asOwner());
    expect(invite.body.error.code).toBe('GUIDE_LEFT');
  });

  it('list newest first, filtered by store, status and keyword, in pages', async () => {
    const store = await addStore(context, '筛选店');
    const a = await addGuide(context, { name: '陈一', storeId: store.id, wecomUserId: 'chen-yi' });
    const b = await addGuide(context, { name: '陈二', storeId: store.id });
    const c = await addGuide(context, { name: '林三', storeId: store.id });
    await context.api.http.post(`/api/admin/guides/${b.id}/leave`).set(asOwner());
    const list = async (query: Record<string, string | number>) => {
      const response = await context.api.http.get('/api/admin/guides').query(query).set(asViewer());
      expect(response.status).toBe(200);
      return guideListReplySchema.parse(response.body);
    };
    expect((await list({ storeId: store.id })).items.map((guide) => guide.id)).toEqual([c.id, b.id, a.id]);
    expect((await list({ storeId: store.id, status: 'active' })).items.map((guide) => guide.id)).toEqual([c.id, a.id]);
    expect((await list({ storeId: store.id, keyword: '陈' })).items.map((guide) => guide.id)).toEqual([b.id, a.id]);
    expect((await list({ keyword: 'CHEN-Y' })).items.map((guide) => guide.id)).toEqual([a.id]);
    expect((await list({ keyword: c.code.toLowerCase() })).items.map((guide) => guide.id)).toEqual([c.id]);
    expect((await list({ keyword: '.*' })).total).toBe(0);
    const page = await list({ storeId: store.id, page: 2, pageSize: 2 });
    expect(page).toMatchObject({ total: 3, page: 2, pageSize: 2 });
    expect(page.items.map((guide) => guide.id)).toEqual([a.id]);
  });
});
