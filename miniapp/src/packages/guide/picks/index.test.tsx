import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { GuidePick } from '@mall/shared';
import { card, page } from '../../../catalog/fixtures';
import { answerRequests, failure, requested } from '../../../testing/api';
import { signIn } from '../../../testing/orders';
import { request, showToast } from '../../../testing/taro';
import GuidePicksPage from './index';

const pick = (index: number, fields: Partial<GuidePick> = {}): GuidePick => ({ ...card(index), onSale: true, ...fields });
const picks = [pick(1, { title: '衬衫' }), pick(2, { title: '长裤', onSale: false }), pick(3, { title: '帽子' })];

/** The picks the page saved last. */
function lastSaved(): unknown {
  return request.mock.calls.filter(([option]) => option.method === 'PUT').at(-1)?.[0].data;
}

/** Answers every save with the picks it names, in its order (as the API does). */
function pickApi(initial: GuidePick[], known: GuidePick[] = [...picks, pick(4, { title: '围巾' })]) {
  answerRequests({
    'GET /api/guide/me/picks': { statusCode: 200, data: { items: initial } },
    'PUT /api/guide/me/picks': (option) => {
      const { productIds } = option.data as { productIds: string[] };
      return { statusCode: 200, data: { items: productIds.map((id) => known.find((item) => item.id === id)!) } };
    },
    'GET /api/products?keyword=%E5%9B%B4%E5%B7%BE&page=1&pageSize=20': page([card(4, { title: '围巾' }), card(1, { title: '衬衫' })]),
  });
}

const titles = () =>
  [...document.querySelectorAll('.guide-picks > .guide-picks__row .guide-picks__title')].map((title) => title.textContent);
const rowOf = (title: string) => screen.getByLabelText(title);

describe('我的推荐', () => {
  it("lists the guide's picks in order, saying which shoppers cannot see now", async () => {
    signIn();
    pickApi(picks);
    render(<GuidePicksPage />);
    expect(await screen.findByText('我的推荐（3/20）')).toBeTruthy();
    expect(titles()).toEqual(['衬衫', '长裤', '帽子']);
    expect(within(rowOf('长裤')).getByText('已下架，顾客暂时看不到')).toBeTruthy();
    expect(within(rowOf('衬衫')).queryByText('已下架，顾客暂时看不到')).toBeNull();
  });

  it('moves and removes picks, saving the whole list each time', async () => {
    signIn();
    pickApi(picks);
    render(<GuidePicksPage />);
    await screen.findByText('我的推荐（3/20）');
    fireEvent.click(within(rowOf('帽子')).getByRole('button', { name: '上移' }));
    await waitFor(() => expect(titles()).toEqual(['衬衫', '帽子', '长裤']));
    expect(lastSaved()).toEqual({ productIds: [picks[0]!.id, picks[2]!.id, picks[1]!.id] });
    expect((within(rowOf('衬衫')).getByRole('button', { name: '上移' }) as HTMLButtonElement).disabled).toBe(true);
    expect((within(rowOf('长裤')).getByRole('button', { name: '下移' }) as HTMLButtonElement).disabled).toBe(true);

    fireEvent.click(within(rowOf('衬衫')).getByRole('button', { name: '移除' }));
    await waitFor(() => expect(titles()).toEqual(['帽子', '长裤']));
    expect(lastSaved()).toEqual({ productIds: [picks[2]!.id, picks[1]!.id] });
  });

  it('adds a product found by search at the end; ones already picked are marked', async () => {
    signIn();
    pickApi(picks);
    render(<GuidePicksPage />);
    await screen.findByText('我的推荐（3/20）');
    fireEvent.change(screen.getByPlaceholderText('搜索在售商品'), { target: { value: '围巾' } });
    fireEvent.click(screen.getByRole('button', { name: '搜索' }));
    const results = await screen.findAllByRole('button', { name: /推荐/ });
    expect(results.map((button) => button.textContent)).toEqual(['推荐', '已推荐']);
    fireEvent.click(screen.getByRole('button', { name: '推荐' }));
    await waitFor(() => expect(titles()).toEqual(['衬衫', '长裤', '帽子', '围巾']));
    expect(screen.getByText('我的推荐（4/20）')).toBeTruthy();
    expect(screen.getAllByRole('button', { name: '已推荐' })).toHaveLength(2);
  });

  it('shows a refused save and keeps the list', async () => {
    signIn();
    answerRequests({
      'GET /api/guide/me/picks': { statusCode: 200, data: { items: picks } },
      'PUT /api/guide/me/picks': failure(404, 'NOT_FOUND', '有商品不存在或已删除，请重新选择'),
    });
    render(<GuidePicksPage />);
    await screen.findByText('我的推荐（3/20）');
    fireEvent.click(within(rowOf('长裤')).getByRole('button', { name: '移除' }));
    await waitFor(() => expect(showToast).toHaveBeenCalledWith({ title: '有商品不存在或已删除，请重新选择', icon: 'none' }));
    expect(titles()).toEqual(['衬衫', '长裤', '帽子']);
  });

  it('tells a shopper who is not a guide', async () => {
    signIn();
    answerRequests({ 'GET /api/guide/me/picks': failure(404, 'NOT_FOUND', '你还不是导购，请先输入邀请码') });
    render(<GuidePicksPage />);
    expect(await screen.findByText('你还不是导购')).toBeTruthy();
    expect(requested()).toEqual(['GET /api/guide/me/picks']);
  });
});
