export * from './money.ts';
export * from './business-day.ts';
export * from './order-number.ts';
export * from './errors.ts';
export * from './api/system.ts';
export * from './api/staff.ts';
export * from './api/permissions.ts';
export * from './api/client.ts';
