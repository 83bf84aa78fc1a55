import { describe, expect, it } from 'vitest';
import { adminOrderFilterSchema, adminOrderListQuerySchema, carrierName, carriers, shipOrderRequestSchema } from './fulfilment.ts';

describe('shipping', () => {
  it('takes a listed carrier and a tracking number, trimmed and upper-cased', () => {
    expect(shipOrderRequestSchema.parse({ carrier: 'SF', trackingNo: ' sf1400000001 ' })).toEqual({
      carrier: 'SF',
      trackingNo: 'SF1400000001',
    });
    expect(carriers.map((carrier) => carrier.code)).toEqual(['SF', 'ZTO', 'YTO', 'YD', 'STO', 'JTSD', 'EMS', 'JD']);
    expect(carrierName('JTSD')).toBe('极兔速递');
    expect(carrierName('OLD')).toBe('OLD');
  });

  it.each([
    [{ carrier: 'UPS', trackingNo: 'SF1400000001' }],
    [{ carrier: 'SF', trackingNo: 'SF1-400' }],
    [{ carrier: 'SF', trackingNo: '12345' }],
    [{ carrier: 'SF', trackingNo: '1'.repeat(33) }],
    [{ carrier: 'SF', trackingNo: 'SF1400000001', extra: true }],
  ])('refuses %j', (request) => {
    expect(shipOrderRequestSchema.safeParse(request).success).toBe(false);
  });
});

describe('the merchant order filters', () => {
  it('take a status group, a keyword and an ordered range of real days', () => {
    expect(
      adminOrderListQuerySchema.parse({ status: 'refund', keyword: ' 张三 ', createdFrom: '2024-02-29', createdTo: '2024-03-01' }),
    ).toEqual({
      status: 'refund',
      keyword: '张三',
      createdFrom: '2024-02-29',
      createdTo: '2024-03-01',
      page: 1,
      pageSize: 20,
    });
    expect(adminOrderFilterSchema.parse({ createdFrom: '2024-03-01', createdTo: '2024-03-01' })).toEqual({
      createdFrom: '2024-03-01',
      createdTo: '2024-03-01',
    });
  });

  it.each([
    [{ createdFrom: '2023-02-29' }],
    [{ createdTo: '2024-13-01' }],
    [{ createdFrom: '20240301' }],
    [{ createdFrom: '2024-03-02', createdTo: '2024-03-01' }],
    [{ keyword: '' }],
    [{ page: '1' }],
  ])('the export refuses %j', (query) => {
    expect(adminOrderFilterSchema.safeParse(query).success).toBe(false);
  });
});
