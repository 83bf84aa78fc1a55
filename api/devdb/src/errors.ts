import type { Document } from 'bson';

/** Server error codes the engine returns, named as MongoDB names them (codeName). */
export const ErrorCode = {
  InternalError: 1,
  BadValue: 2,
  Unauthorized: 13,
  NoSuchKey: 4,
  FailedToParse: 9,
  TypeMismatch: 14,
  IllegalOperation: 20,
  PathNotViable: 28,
  NamespaceNotFound: 26,
  IndexNotFound: 27,
  ConflictingUpdateOperators: 40,
  CursorNotFound: 43,
  NamespaceExists: 48,
  DollarPrefixedFieldName: 52,
  NotSingleValueField: 54,
  EmptyFieldName: 56,
  CommandNotFound: 59,
  ImmutableField: 66,
  InvalidOptions: 72,
  InvalidNamespace: 73,
  IndexOptionsConflict: 85,
  IndexKeySpecsConflict: 86,
  OperationFailed: 96,
  WriteConflict: 112,
  CommandNotSupported: 115,
  NoSuchTransaction: 251,
  InvalidPipelineOperator: 168,
  CannotIndexParallelArrays: 171,
  CannotCreateIndex: 67,
  BSONObjectTooLarge: 10334,
  InvalidIdField: 53,
  TransactionTooOld: 225,
  TransactionCommitted: 256,
  OperationNotSupportedInTransaction: 263,
  UnsupportedOpQueryCommand: 352,
  TransactionExceededLifetimeLimitSeconds: 290,
  DuplicateKey: 11000,
  /** MongoDB's code for an unknown aggregation stage name. */
  Location40324: 40324,
  /** A pipeline stage object with more than one field. */
  Location40323: 40323,
  /** Exclusion of a field inside an inclusion projection. */
  Location31253: 31253,
  /** Inclusion of a field inside an exclusion projection. */
  Location31254: 31254,
} as const;

export type ErrorCodeName = keyof typeof ErrorCode;

const codeNames = new Map<number, string>(Object.entries(ErrorCode).map(([name, code]) => [code, name]));

/**
 * A command failure as MongoDB reports it. `extra` is merged into the reply
 * (keyPattern/keyValue for duplicate keys, errorLabels for transient transaction errors).
 */
export class MongoServerError extends Error {
  readonly code: number;
  readonly codeName: string;
  readonly extra: Document;

  constructor(codeName: ErrorCodeName, message: string, extra: Document = {}) {
    super(message);
    this.code = ErrorCode[codeName];
    this.codeName = codeName;
    this.extra = extra;
  }

  get errorLabels(): string[] {
    return (this.extra.errorLabels as string[] | undefined) ?? [];
  }

  toReply(): Document {
    return { ok: 0, errmsg: this.message, code: this.code, codeName: this.codeName, ...this.extra };
  }

  /** The shape used inside `writeErrors[]` of insert/update/delete replies. */
  toWriteError(index: number): Document {
    const { errorLabels: _labels, ...rest } = this.extra;
    return { index, code: this.code, errmsg: this.message, ...rest };
  }
}

export function codeNameOf(code: number): string {
  return codeNames.get(code) ?? 'UnknownError';
}

/** Raised for a feature the engine deliberately does not implement (code 115). */
export function notSupported(what: string): MongoServerError {
  return new MongoServerError(
    'CommandNotSupported',
    `${what} is not supported by devdb, the embedded development engine (use a real MongoDB for it)`,
  );
}

export function badValue(message: string): MongoServerError {
  return new MongoServerError('BadValue', message);
}

export function typeMismatch(message: string): MongoServerError {
  return new MongoServerError('TypeMismatch', message);
}
