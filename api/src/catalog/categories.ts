import { Types } from 'mongoose';
import type { AdminCategoryNode, Category, CreateCategoryRequest, ReorderCategoriesRequest, StorefrontCategory } from '@mall/shared';
import { isDuplicateKeyError } from '../db/errors.ts';
import { AppError } from '../http/errors.ts';
import type { CatalogModels, CategoryRecord } from './models.ts';
import { toCategoryView } from './views.ts';

const nameTaken = (cause: unknown) => new AppError('CONFLICT', { message: '同级分类中已有同名分类', details: { field: 'name' }, cause });
const categoryNotFound = () => new AppError('NOT_FOUND', { message: '分类不存在' });

async function allCategories(models: CatalogModels): Promise<CategoryRecord[]> {
  return models.Category.find().sort({ sortOrder: 1, _id: 1 }).lean<CategoryRecord[]>();
}

/** Every category as a two-level tree, each level in its sort order. */
export async function adminCategoryTree(models: CatalogModels): Promise<AdminCategoryNode[]> {
  const categories = await allCategories(models);
  return categories
    .filter((category) => category.parentId === null)
    .map((parent) => ({
      ...toCategoryView(parent),
      children: categories.filter((child) => child.parentId?.equals(parent._id)).map(toCategoryView),
    }));
}

export async function storefrontCategoryTree(models: CatalogModels): Promise<StorefrontCategory[]> {
  return (await adminCategoryTree(models)).map(({ id, name, children }) => ({
    id,
    name,
    children: children.map((child) => ({ id: child.id, name: child.name })),
  }));
}

/**
 * A new category last among its siblings. A child is added in one transaction with the guarded update
 * that counts it on its parent, so it cannot slip under a parent that is getting products or being deleted.
 */
export async function createCategory(models: CatalogModels, request: CreateCategoryRequest): Promise<Category> {
  const parentId = request.parentId ? new Types.ObjectId(request.parentId) : null;
  try {
    return await models.Category.db.transaction(async (session) => {
      if (parentId !== null) {
        const parent = await models.Category.findOneAndUpdate(
          { _id: parentId, parentId: null, productCount: 0 },
          { $inc: { childCount: 1 } },
          { session },
        ).lean<CategoryRecord>();
        if (parent === null) {
          const found = await models.Category.findById(parentId, null, { session }).lean<CategoryRecord>();
          if (found === null) throw new AppError('NOT_FOUND', { message: '上级分类不存在', details: { field: 'parentId' } });
          throw new AppError(found.parentId === null ? 'CATEGORY_HAS_PRODUCTS' : 'CATEGORY_TOO_DEEP', { details: { field: 'parentId' } });
        }
      }
      const last = await models.Category.findOne({ parentId }, { sortOrder: 1 }, { session })
        .sort({ sortOrder: -1 })
        .lean<CategoryRecord>();
      const now = new Date();
      const [created] = await models.Category.create(
        [
          {
            name: request.name,
            parentId,
            sortOrder: (last?.sortOrder ?? -1) + 1,
            childCount: 0,
            productCount: 0,
            createdAt: now,
            updatedAt: now,
          },
        ],
        { session },
      );
      return toCategoryView(created!.toObject());
    });
  } catch (error) {
    if (isDuplicateKeyError(error)) throw nameTaken(error);
    throw error;
  }
}

export async function renameCategory(models: CatalogModels, id: string, name: string): Promise<Category> {
  try {
    const category = await models.Category.findByIdAndUpdate(
      id,
      { $set: { name, updatedAt: new Date() } },
      { returnDocument: 'after' },
    ).lean<CategoryRecord>();
    if (category === null) throw categoryNotFound();
    return toCategoryView(category);
  } catch (error) {
    if (isDuplicateKeyError(error)) throw nameTaken(error);
    throw error;
  }
}

/**
 * Puts the children of `parentId` in the order given. The request must name every current sibling exactly
 * once: a list made before a category was added or removed is stale (409), not silently half-applied.
 */
export async function reorderCategories(models: CatalogModels, request: ReorderCategoriesRequest): Promise<AdminCategoryNode[]> {
  const parentId = request.parentId === null ? null : new Types.ObjectId(request.parentId);
  await models.Category.db.transaction(async (session) => {
    const siblings = await models.Category.find({ parentId }, { _id: 1 }, { session }).lean<Pick<CategoryRecord, '_id'>[]>();
    const current = new Set(siblings.map((sibling) => sibling._id.toHexString()));
    if (current.size !== request.ids.length || request.ids.some((id) => !current.has(id))) {
      throw new AppError('CONFLICT', { message: '分类已有变动，请刷新后重新排序' });
    }
    const now = new Date();
    await models.Category.bulkWrite(
      request.ids.map((id, index) => ({
        updateOne: { filter: { _id: new Types.ObjectId(id) }, update: { $set: { sortOrder: index, updatedAt: now } } },
      })),
      { session },
    );
  });
  return adminCategoryTree(models);
}

/** Only an empty category goes: the guard on its counters and the parent's count change in one transaction. */
export async function deleteCategory(models: CatalogModels, id: string): Promise<void> {
  await models.Category.db.transaction(async (session) => {
    const deleted = await models.Category.findOneAndDelete({ _id: id, childCount: 0, productCount: 0 }, { session }).lean<CategoryRecord>();
    if (deleted === null) {
      const found = await models.Category.exists({ _id: id }).session(session);
      throw found === null ? categoryNotFound() : new AppError('CATEGORY_NOT_EMPTY');
    }
    if (deleted.parentId !== null) {
      await models.Category.updateOne({ _id: deleted.parentId }, { $inc: { childCount: -1 } }, { session });
    }
  });
}

/** The category and, for a top-level one, its children: what "products in this category" means for listing. */
export async function categoryAndChildrenIds(models: CatalogModels, id: string): Promise<Types.ObjectId[]> {
  const categoryId = new Types.ObjectId(id);
  const children = await models.Category.find({ parentId: categoryId }, { _id: 1 }).lean<Pick<CategoryRecord, '_id'>[]>();
  return [categoryId, ...children.map((child) => child._id)];
}
