import { fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { card, categories, page } from '../../catalog/fixtures';
import { answerRequests, failure, requested } from '../../testing/api';
import { navigateTo } from '../../testing/taro';
import HomePage from './index';

describe('the home page', () => {
  it('shows the categories and the products on sale, with their "from" price and image', async () => {
    answerRequests({
      'GET /api/categories': { statusCode: 200, data: { items: categories } },
      'GET /api/products?page=1&pageSize=20': page([card(1, { title: '纯棉T恤', priceMin: 5900, priceMax: 7900, salesCount: 8 }), card(2)]),
    });
    render(<HomePage />);
    expect(screen.getByText('正在加载商品…')).toBeTruthy();
    expect(await screen.findByText('纯棉T恤')).toBeTruthy();
    expect(screen.getByText('¥59.00 起')).toBeTruthy();
    expect(screen.getByText('已售 8')).toBeTruthy();
    expect(screen.getByText('¥59.00')).toBeTruthy();
    expect(document.querySelector('img')?.getAttribute('src')).toBe(`http://api.test${card(1).image!.url}`);
    expect(await screen.findByText('服装')).toBeTruthy();
    expect(screen.getByText('共 2 件商品，没有更多了')).toBeTruthy();

    fireEvent.click(screen.getByText('纯棉T恤'));
    expect(navigateTo).toHaveBeenCalledWith({ url: `/pages/product/index?id=${card(1).id}` });
    fireEvent.click(screen.getByText('食品'));
    expect(navigateTo).toHaveBeenLastCalledWith({
      url: '/pages/search/index?categoryId=c00000000000000000000004&categoryName=%E9%A3%9F%E5%93%81',
    });
    fireEvent.click(screen.getByText('搜索商品'));
    expect(navigateTo).toHaveBeenLastCalledWith({ url: '/pages/search/index' });
  });

  it('loads further pages on 加载更多', async () => {
    const first = Array.from({ length: 20 }, (_, index) => card(index + 1));
    answerRequests({
      'GET /api/categories': { statusCode: 200, data: { items: [] } },
      'GET /api/products?page=1&pageSize=20': page(first, 21),
      'GET /api/products?page=2&pageSize=20': page([card(21, { title: '第二页的商品' })], 21, 2),
    });
    render(<HomePage />);
    fireEvent.click(await screen.findByRole('button', { name: '加载更多' }));
    expect(await screen.findByText('第二页的商品')).toBeTruthy();
    expect(screen.getByText('共 21 件商品，没有更多了')).toBeTruthy();
    expect(requested()).toContain('GET /api/products?page=2&pageSize=20');
  });

  it('says honestly when nothing is on sale, and shows no categories when there are none', async () => {
    answerRequests({
      'GET /api/categories': { statusCode: 200, data: { items: [] } },
      'GET /api/products?page=1&pageSize=20': page([]),
    });
    render(<HomePage />);
    expect(await screen.findByText('还没有在售的商品')).toBeTruthy();
  });

  it("shows the API's message on failure and loads again on retry", async () => {
    answerRequests({
      'GET /api/categories': { statusCode: 200, data: { items: [] } },
      'GET /api/products?page=1&pageSize=20': failure(500, 'INTERNAL', '系统繁忙，请稍后再试'),
    });
    render(<HomePage />);
    expect(await screen.findByText('系统繁忙，请稍后再试')).toBeTruthy();
    answerRequests({
      'GET /api/categories': { statusCode: 200, data: { items: [] } },
      'GET /api/products?page=1&pageSize=20': page([card(1)]),
    });
    fireEvent.click(screen.getByRole('button', { name: '重试' }));
    expect(await screen.findByText('商品 1')).toBeTruthy();
  });
});
