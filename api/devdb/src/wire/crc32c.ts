/**
 * CRC-32C (Castagnoli), the checksum OP_MSG uses when the checksumPresent flag is set.
 * Reflected polynomial 0x82F63B78, initial value and final xor 0xFFFFFFFF.
 */
const CASTAGNOLI_REFLECTED = 0x82f63b78;

const table = buildTable();

function buildTable(): Uint32Array {
  const entries = new Uint32Array(256);
  for (let byte = 0; byte < 256; byte++) {
    let crc = byte;
    for (let bit = 0; bit < 8; bit++) {
      crc = crc & 1 ? (crc >>> 1) ^ CASTAGNOLI_REFLECTED : crc >>> 1;
    }
    entries[byte] = crc >>> 0;
  }
  return entries;
}

export function crc32c(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) {
    crc = table[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
  }
  return (crc ^ 0xffffffff) >>> 0;
}
