// The replica's own encoding limits: redis-server's compiled-in defaults, the
// same on every version emulated (the redis.conf shipped with Redis says 128
// for hash-max-listpack-entries; the built-in default is 512).
export const encodingConfig = {
  hashMaxListpackEntries: 512,
  hashMaxListpackValue: 64,
  setMaxIntsetEntries: 512,
  /** 7.2+: small sets of strings are listpacks. */
  setMaxListpackEntries: 128,
  setMaxListpackValue: 64,
  zsetMaxListpackEntries: 128,
  zsetMaxListpackValue: 64,
  /** list-max-listpack-size: negative = a node size class (-2 = 8 KB), positive = entries per node. */
  listMaxListpackSize: -2,
};

/** OBJ_ENCODING_EMBSTR_SIZE_LIMIT. */
export const EMBSTR_LIMIT = 44;
