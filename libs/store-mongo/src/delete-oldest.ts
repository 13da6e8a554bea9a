import type { FilterQuery, Model } from 'mongoose';
import { writeOptions } from './mongo-write';

/**
 * Deletes up to `limit` documents matching `filter`, oldest by `field` first (MongoDB's
 * deleteMany takes no sort or limit: the ids are read first, and the delete checks the filter
 * again). Returns how many it deleted.
 */
export async function deleteOldest<T extends { _id: string }>(
  model: Model<T>,
  filter: FilterQuery<T>,
  field: keyof T & string,
  limit: number,
): Promise<number> {
  const oldest = await model
    .find(filter, { _id: 1 })
    .sort({ [field]: 1 })
    .limit(limit)
    .lean<{ _id: string }[]>()
    .exec();
  if (oldest.length === 0) return 0;
  const ids = oldest.map((d) => d._id);
  const r = await model.deleteMany(
    { $and: [filter, { _id: { $in: ids } }] } as FilterQuery<T>,
    writeOptions(undefined),
  );
  return r.deletedCount;
}
