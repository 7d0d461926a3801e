/** murmurhash 2.0.1 ships no types; only what mittr uses (services/platform/kafka/partitioner.ts). */
declare module 'murmurhash' {
  const murmurhash: {
    /** MurmurHash2 (32-bit) of the bytes (a string is UTF-8 encoded first); an unsigned 32-bit integer. */
    v2(key: Uint8Array | string, seed: number): number;
  };
  export default murmurhash;
}
