import type { Connection, Model, Schema } from 'mongoose';

/** The model `name` on a connection, compiled on first use (each test connection gets its own). */
export function modelOf<T>(connection: Connection, name: string, schema: Schema<T>): Model<T> {
  return (connection.models[name] as Model<T> | undefined) ?? connection.model<T>(name, schema);
}
