import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { AdminProduct, CreateProductRequest, UpdateProductRequest } from '@mall/shared';
import { errorReply, jsonReply, renderSignedIn, staffMember } from '../../testing/fake-api.tsx';
import { catalogHandlers, ids, image, teeProduct } from './catalog-fixtures.ts';

const owner = staffMember({ username: 'owner', role: 'owner' });
const viewer = staffMember({ username: 'viewer', role: 'viewer' });

async function chooseCategory(user: ReturnType<typeof userEvent.setup>, label: string) {
  await user.click(screen.getByRole('combobox', { name: '分类' }));
  await user.click(await screen.findByTitle(label));
}

describe('creating a product', () => {
  it('builds the SKU matrix from the specs and sends prices in fen, images and detail in order', async () => {
    const created = teeProduct({ id: 'a00000000000000000000009' });
    const uploaded = { id: `${'f'.repeat(64)}.jpg`, url: `/api/images/${'f'.repeat(64)}.jpg` };
    const { calls } = await renderSignedIn(owner, '/products/new', {
      ...catalogHandlers([created]),
      'POST /api/admin/images': () => jsonReply(201, { image: uploaded }),
      'POST /api/admin/products': () => jsonReply(201, { product: created }),
    });
    const user = userEvent.setup();
    await user.type(await screen.findByLabelText('商品名称'), '纯棉T恤');
    await chooseCategory(user, '服装 / 上衣');

    fireEvent.change(screen.getByLabelText('上传商品图'), { target: { files: [new File(['jpeg'], 'tee.jpg', { type: 'image/jpeg' })] } });
    expect(await screen.findByRole('img', { name: '商品图 1' })).toHaveAttribute('src', uploaded.url);
    const upload = calls.find((call) => call.path === '/api/admin/images');
    expect(upload?.contentType).toBe('image/jpeg');
    expect(upload?.body).toBeInstanceOf(Blob);

    await user.click(screen.getByRole('button', { name: '添加规格' }));
    await user.type(screen.getByLabelText('规格 1 名称'), '颜色');
    await user.type(screen.getByLabelText('规格 1 的值'), '红{Enter}蓝{Enter}');
    await user.click(screen.getByRole('button', { name: '添加规格' }));
    await user.type(screen.getByLabelText('规格 2 名称'), '尺码');
    await user.type(screen.getByLabelText('规格 2 的值'), 'S{Enter}');

    for (const [combination, price] of [
      ['红 / S', '99'],
      ['蓝 / S', '109.9'],
    ] as const) {
      await user.type(screen.getByLabelText(`${combination} 售价`), price);
    }
    await user.clear(screen.getByLabelText('蓝 / S 初始库存'));
    await user.type(screen.getByLabelText('蓝 / S 初始库存'), '12');
    await user.type(screen.getByLabelText('蓝 / S 划线价'), '129');

    await user.click(screen.getByRole('button', { name: '添加文字' }));
    await user.type(screen.getByLabelText('详情第 1 段文字'), '面料柔软');

    await user.click(screen.getByRole('button', { name: /创建商品/ }));
    await waitFor(() => expect(calls.some((call) => call.method === 'POST' && call.path === '/api/admin/products')).toBe(true));
    const sent = calls.find((call) => call.method === 'POST' && call.path === '/api/admin/products')?.body as CreateProductRequest;
    expect(sent).toEqual({
      title: '纯棉T恤',
      subtitle: '',
      categoryId: ids.tops,
      images: [uploaded.id],
      detail: [{ type: 'text', text: '面料柔软' }],
      specs: [
        { name: '颜色', values: ['红', '蓝'] },
        { name: '尺码', values: ['S'] },
      ],
      skus: [
        { specValues: ['红', 'S'], price: 9900, stock: 0 },
        { specValues: ['蓝', 'S'], price: 10990, originalPrice: 12900, stock: 12 },
      ],
    });
    // On to the new product's page.
    expect(await screen.findByRole('button', { name: /^保\s*存$/ })).toBeInTheDocument();
  });

  it('shows what is wrong next to each field, without calling the API', async () => {
    const { calls } = await renderSignedIn(owner, '/products/new', catalogHandlers());
    const user = userEvent.setup();
    await user.type(await screen.findByLabelText('默认规格 售价'), '9.999');
    await user.type(screen.getByLabelText('默认规格 划线价'), '5');
    await user.click(screen.getByRole('button', { name: /创建商品/ }));

    expect(await screen.findByText('请填写商品名称')).toBeInTheDocument();
    expect(screen.getByText('请选择分类')).toBeInTheDocument();
    expect(screen.getByText('请填写金额（元），最多两位小数')).toBeInTheDocument();
    expect(calls.some((call) => call.path === '/api/admin/products' && call.method === 'POST')).toBe(false);

    await user.clear(screen.getByLabelText('默认规格 售价'));
    await user.type(screen.getByLabelText('默认规格 售价'), '9.9');
    await user.click(screen.getByRole('button', { name: /创建商品/ }));
    expect(await screen.findByText('划线价须高于售价')).toBeInTheDocument();
  });

  it("puts the API's field messages on the fields they name", async () => {
    await renderSignedIn(owner, '/products/new', {
      ...catalogHandlers(),
      'POST /api/admin/products': () => errorReply('CATEGORY_NOT_LEAF', { details: { field: 'categoryId' } }),
    });
    const user = userEvent.setup();
    await user.type(await screen.findByLabelText('商品名称'), '帽子');
    await chooseCategory(user, '食品');
    await user.type(screen.getByLabelText('默认规格 售价'), '10');
    await user.click(screen.getByRole('button', { name: /创建商品/ }));
    const category = (await screen.findAllByText('该分类下有子分类，商品只能放在末级分类中')).find((element) =>
      element.closest('.ant-form-item'),
    );
    expect(category).toBeDefined();
  });
});

describe('editing a product', () => {
  function editHandlers(product: AdminProduct, onPut: (body: UpdateProductRequest) => Response) {
    return {
      ...catalogHandlers([product]),
      [`PUT /api/admin/products/${product.id}`]: ({ body }: { body: unknown }) => onPut(body as UpdateProductRequest),
    };
  }

  it('loads the product, keeps existing SKUs out of the stock fields and sends the version it was loaded at', async () => {
    const product = teeProduct();
    let sent: UpdateProductRequest | undefined;
    await renderSignedIn(
      owner,
      `/products/${product.id}`,
      editHandlers(product, (body) => {
        sent = body;
        return jsonReply(200, { product: teeProduct({ title: body.title, version: 5 }) });
      }),
    );
    const user = userEvent.setup();
    const title = await screen.findByLabelText('商品名称');
    expect(title).toHaveValue('纯棉T恤');
    expect(screen.getByLabelText('M 售价')).toHaveValue('109.00');
    expect(screen.getByLabelText('M 划线价')).toHaveValue('129.00');
    expect(screen.getByLabelText('S 库存')).toHaveTextContent('可售 10（待付款占用 2）');
    expect(screen.getByRole('img', { name: '商品图 1' })).toHaveAttribute('src', image.url);

    await user.clear(title);
    await user.type(title, '精梳棉T恤');
    await user.click(screen.getByRole('button', { name: /^保\s*存$/ }));
    await waitFor(() => expect(sent).toBeDefined());
    expect(sent).toMatchObject({
      title: '精梳棉T恤',
      version: 4,
      skus: [
        { specValues: ['S'], price: 9900 },
        { specValues: ['M'], price: 10900, originalPrice: 12900, code: 'TEE-M' },
      ],
    });
    expect(sent?.skus.every((sku) => sku.stock === undefined)).toBe(true);
    expect(await screen.findByText('已保存')).toBeInTheDocument();
  });

  it('asks to reload after a stale edit (409), and reloads', async () => {
    const product = teeProduct();
    const { calls } = await renderSignedIn(
      owner,
      `/products/${product.id}`,
      editHandlers(product, () =>
        errorReply('CONFLICT', { message: '商品已被他人修改，请刷新后重新编辑', details: { currentVersion: 5 } }),
      ),
    );
    const user = userEvent.setup();
    await user.type(await screen.findByLabelText('副标题'), '！');
    await user.click(screen.getByRole('button', { name: /^保\s*存$/ }));
    expect(await screen.findByText('商品已被他人修改')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: /^保\s*存$/ })).toBeDisabled();

    await user.click(screen.getByRole('button', { name: '重新加载' }));
    await waitFor(() =>
      expect(calls.filter((call) => call.method === 'GET' && call.path === `/api/admin/products/${product.id}`)).toHaveLength(2),
    );
    expect(await screen.findByLabelText('副标题')).toHaveValue('夏季新款');
    expect(screen.queryByText('商品已被他人修改')).toBeNull();
  });

  it('adjusts the stock of an existing SKU', async () => {
    const product = teeProduct();
    const { calls } = await renderSignedIn(owner, `/products/${product.id}`, {
      ...catalogHandlers([product]),
      [`POST /api/admin/products/${product.id}/skus/${ids.skuRedS}/stock-adjustments`]: () =>
        jsonReply(200, { sku: { ...product.skus[0], available: 7 } }),
    });
    const user = userEvent.setup();
    const stock = await screen.findByLabelText('S 库存');
    await user.click(within(stock.parentElement!.parentElement!).getByRole('button', { name: /调\s*整/ }));
    const dialog = await screen.findByRole('dialog');
    await user.click(within(dialog).getByText('减少'));
    await user.type(within(dialog).getByLabelText('数量'), '3');
    await user.click(within(dialog).getByRole('button', { name: /确\s*定/ }));

    await waitFor(() => expect(calls.find((call) => call.path.endsWith('/stock-adjustments'))?.body).toEqual({ delta: -3 }));
    expect(await screen.findByLabelText('S 库存')).toHaveTextContent('可售 7');
  });

  it("shows the API's refusal to put a product without images on sale", async () => {
    const product = teeProduct({ images: [] });
    await renderSignedIn(owner, `/products/${product.id}`, {
      ...catalogHandlers([product]),
      [`POST /api/admin/products/${product.id}/status`]: () => errorReply('PRODUCT_NOT_READY'),
    });
    await userEvent.setup().click(await screen.findByRole('button', { name: /^上\s*架$/ }));
    expect(await screen.findByText('商品至少需要一张商品图才能上架')).toBeInTheDocument();
  });

  it('is read-only for a viewer', async () => {
    const product = teeProduct();
    await renderSignedIn(viewer, `/products/${product.id}`, catalogHandlers([product]));
    expect(await screen.findByText('只读：你的角色可以查看商品，不能修改。')).toBeInTheDocument();
    expect(screen.getByLabelText('商品名称')).toBeDisabled();
    expect(screen.getByLabelText('M 售价')).toBeDisabled();
    expect(screen.queryByRole('button', { name: /^保\s*存$/ })).toBeNull();
    expect(screen.queryByRole('button', { name: /^上\s*架$/ })).toBeNull();
    expect(screen.queryByRole('button', { name: /调\s*整/ })).toBeNull();
    expect(screen.queryByLabelText('上传商品图')).toBeNull();
  });

  it('says when the product does not exist', async () => {
    await renderSignedIn(owner, '/products/a0000000000000000000000f', catalogHandlers([]));
    expect(await screen.findByText('商品不存在')).toBeInTheDocument();
  });
});
