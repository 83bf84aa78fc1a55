/** The size limits devdb advertises in hello and enforces, MongoDB's defaults. */

/** maxBsonObjectSize: the largest document (stored, or returned in a reply). */
export const MAX_BSON_OBJECT_SIZE = 16 * 1024 * 1024;
/** maxMessageSizeBytes: the largest wire message. */
export const MAX_MESSAGE_SIZE_BYTES = 48_000_000;
/** maxWriteBatchSize: the most statements in one write command. */
export const MAX_WRITE_BATCH_SIZE = 100_000;
