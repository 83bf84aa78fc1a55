import { describe, expect, it } from 'vitest';
import { createProductRequestSchema, productSearchQuerySchema, specCombinationKey, specCombinations } from '../index.ts';

describe('spec combinations', () => {
  it('are every combination of the values, the first spec varying slowest; one empty one without specs', () => {
    expect(specCombinations([{ values: ['红', '蓝'] }, { values: ['S', 'M', 'L'] }])).toEqual([
      ['红', 'S'],
      ['红', 'M'],
      ['红', 'L'],
      ['蓝', 'S'],
      ['蓝', 'M'],
      ['蓝', 'L'],
    ]);
    expect(specCombinations([])).toEqual([[]]);
  });

  it('have a key that does not depend on the order of the specs', () => {
    const colourFirst = specCombinationKey([{ name: '颜色' }, { name: '尺码' }], ['红', 'S']);
    expect(specCombinationKey([{ name: '尺码' }, { name: '颜色' }], ['S', '红'])).toBe(colourFirst);
    expect(specCombinationKey([{ name: '颜色' }, { name: '尺码' }], ['红', 'M'])).not.toBe(colourFirst);
  });
});

describe('product requests', () => {
  const base = { title: '袜子', categoryId: '0123456789abcdef01234567', images: [] };

  it('need exactly one SKU per combination', () => {
    const specs = [{ name: '颜色', values: ['白', '黑'] }];
    expect(createProductRequestSchema.safeParse({ ...base, specs, skus: [{ specValues: ['白'], price: 100 }] }).success).toBe(false);
    const parsed = createProductRequestSchema.parse({
      ...base,
      specs,
      skus: [
        { specValues: ['白'], price: 100 },
        { specValues: [' 黑 '], price: 100 },
      ],
    });
    expect(parsed.skus[1]?.specValues).toEqual(['黑']);
    expect(parsed).toMatchObject({ subtitle: '', detail: [] });
  });

  it('refuse more than 600 combinations', () => {
    const values = (prefix: string) => Array.from({ length: 20 }, (_, index) => `${prefix}${index}`);
    const specs = [
      { name: 'a', values: values('a') },
      { name: 'b', values: values('b') },
      { name: 'c', values: values('c').slice(0, 2) },
    ];
    const result = createProductRequestSchema.safeParse({ ...base, specs, skus: [] });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.message)).toContain('规格组合最多 600 个');
  });
});

describe('product search query', () => {
  it('reads numbers from the query string and defaults the paging', () => {
    expect(productSearchQuerySchema.parse({ minPrice: '100', sort: 'price_asc' })).toEqual({
      minPrice: 100,
      sort: 'price_asc',
      page: 1,
      pageSize: 20,
    });
  });

  it.each([{ page: '0' }, { pageSize: '51' }, { minPrice: '-1' }, { minPrice: '2', maxPrice: '1' }, { sort: 'hot' }, { extra: '1' }])(
    'refuses %j',
    (query) => {
      expect(productSearchQuerySchema.safeParse(query).success).toBe(false);
    },
  );
});
