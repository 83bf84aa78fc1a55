import { z } from 'zod';

/** Paged lists: the query fields that ask for a page and the reply that carries one. */

const MAX_PAGE = 1000;

/** A whole number in a query string (`?page=2`), within bounds. */
export function queryInteger(min: number, max: number) {
  return z
    .string()
    .regex(/^\d{1,9}$/, '须为整数')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));
}

/** `page` (from 1) and `pageSize` query fields. */
export function pagingQuery(defaultPageSize: number, maxPageSize: number) {
  return {
    page: queryInteger(1, MAX_PAGE).default(1),
    pageSize: queryInteger(1, maxPageSize).default(defaultPageSize),
  };
}

/** One page of `item`s with the size of the whole list. */
export function pageReplySchema<Item extends z.ZodType>(item: Item) {
  return z.object({
    items: z.array(item),
    total: z.number().int(),
    page: z.number().int(),
    pageSize: z.number().int(),
  });
}
