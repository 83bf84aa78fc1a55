import { fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { card, page } from '../../catalog/fixtures';
import { answerRequests, requested } from '../../testing/api';
import { request, router, setNavigationBarTitle } from '../../testing/taro';
import SearchPage from './index';

/** Every product search answers with one product named after its query, so the page shows what it asked for. */
function answerEverySearch() {
  request.mockImplementation(async (option) => {
    const query = option.url.replace(/^https?:\/\/[^/]+\/api\/products\??/, '');
    return page([card(1, { title: `结果 ${decodeURIComponent(query)}` })]);
  });
}

describe('the search page', () => {
  it('searches by keyword, sorts by the tabs (价格 toggles its direction) and filters by price in yuan', async () => {
    answerEverySearch();
    render(<SearchPage />);
    expect(await screen.findByText('结果 page=1&pageSize=20')).toBeTruthy();

    fireEvent.change(screen.getByPlaceholderText('搜索商品'), { target: { value: ' T恤 ' } });
    fireEvent.click(screen.getByRole('button', { name: '搜索' }));
    expect(await screen.findByText('结果 keyword=T恤&page=1&pageSize=20')).toBeTruthy();

    fireEvent.click(screen.getByRole('tab', { name: '销量' }));
    expect(await screen.findByText('结果 keyword=T恤&sort=sales&page=1&pageSize=20')).toBeTruthy();
    fireEvent.click(screen.getByRole('tab', { name: '价格' }));
    expect(await screen.findByText('结果 keyword=T恤&sort=price_asc&page=1&pageSize=20')).toBeTruthy();
    fireEvent.click(screen.getByRole('tab', { name: '价格↑' }));
    expect(await screen.findByText('结果 keyword=T恤&sort=price_desc&page=1&pageSize=20')).toBeTruthy();
    expect(screen.getByRole('tab', { name: '价格↓' }).getAttribute('aria-selected')).toBe('true');

    fireEvent.change(screen.getByPlaceholderText('最低价'), { target: { value: '50' } });
    fireEvent.change(screen.getByPlaceholderText('最高价'), { target: { value: '99.9' } });
    fireEvent.click(screen.getByRole('button', { name: '确定' }));
    expect(await screen.findByText('结果 keyword=T恤&minPrice=5000&maxPrice=9990&sort=price_desc&page=1&pageSize=20')).toBeTruthy();
  });

  it('refuses a price range it cannot send, saying why', async () => {
    answerEverySearch();
    render(<SearchPage />);
    await screen.findByText('结果 page=1&pageSize=20');
    const before = requested().length;
    fireEvent.change(screen.getByPlaceholderText('最低价'), { target: { value: '100' } });
    fireEvent.change(screen.getByPlaceholderText('最高价'), { target: { value: '10' } });
    fireEvent.click(screen.getByRole('button', { name: '确定' }));
    expect(await screen.findByText('最高价不能低于最低价')).toBeTruthy();
    fireEvent.change(screen.getByPlaceholderText('最高价'), { target: { value: '1.234' } });
    fireEvent.click(screen.getByRole('button', { name: '确定' }));
    expect(await screen.findByText('请填写金额（元），最多两位小数')).toBeTruthy();
    expect(requested()).toHaveLength(before);
  });

  it('searches within the category it was opened for, named in the title', async () => {
    router.params = { categoryId: 'c00000000000000000000004', categoryName: encodeURIComponent('食品') };
    answerEverySearch();
    render(<SearchPage />);
    expect(await screen.findByText('结果 categoryId=c00000000000000000000004&page=1&pageSize=20')).toBeTruthy();
    expect(setNavigationBarTitle).toHaveBeenCalledWith({ title: '食品' });
    expect(screen.getByPlaceholderText('在「食品」中搜索')).toBeTruthy();
  });

  it('says when nothing matches', async () => {
    answerRequests({ 'GET /api/products?keyword=%E7%9F%B3%E5%A4%B4&page=1&pageSize=20': page([]) });
    router.params = { keyword: '石头' };
    render(<SearchPage />);
    expect(await screen.findByText('没有找到与「石头」相关的商品')).toBeTruthy();
  });
});
