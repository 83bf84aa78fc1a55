import { fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { card, categories, page } from '../../catalog/fixtures';
import { answerRequests, requested } from '../../testing/api';
import CategoryPage from './index';

describe('the category page', () => {
  it("shows the first category's products, its children as filters, and switches category on the rail", async () => {
    answerRequests({
      'GET /api/categories': { statusCode: 200, data: { items: categories } },
      'GET /api/products?categoryId=c00000000000000000000001&page=1&pageSize=20': page([
        card(1, { title: '衬衫' }),
        card(2, { title: '牛仔裤' }),
      ]),
      'GET /api/products?categoryId=c00000000000000000000003&page=1&pageSize=20': page([card(2, { title: '牛仔裤' })]),
      'GET /api/products?categoryId=c00000000000000000000004&page=1&pageSize=20': page([]),
    });
    render(<CategoryPage />);
    expect(await screen.findByText('衬衫')).toBeTruthy();
    expect(screen.getByText('全部')).toBeTruthy();

    fireEvent.click(screen.getByText('裤装'));
    expect(await screen.findByText('牛仔裤')).toBeTruthy();
    expect(screen.queryByText('衬衫')).toBeNull();

    fireEvent.click(screen.getByText('食品'));
    expect(await screen.findByText('这个分类下还没有在售商品')).toBeTruthy();
    expect(screen.queryByText('全部')).toBeNull();
    expect(requested()).toContain('GET /api/products?categoryId=c00000000000000000000004&page=1&pageSize=20');
  });

  it('says so when there are no categories', async () => {
    answerRequests({ 'GET /api/categories': { statusCode: 200, data: { items: [] } } });
    render(<CategoryPage />);
    expect(await screen.findByText('还没有商品分类')).toBeTruthy();
  });
});
