import { InjectModel } from '@nestjs/mongoose';
import { MONGO_STORE_CONNECTION } from './mongo-store.options';

/** Injects one of the store's models from the store's own connection. */
export const InjectStoreModel = (name: string): ParameterDecorator =>
  InjectModel(name, MONGO_STORE_CONNECTION);
