// Socket errors worded as strerror() words them, so the engine logs what
// redis-server logs ("Error condition on socket for SYNC: Connection refused").
const STRERROR: Record<string, string> = {
  ECONNREFUSED: 'Connection refused',
  ECONNRESET: 'Connection reset by peer',
  ETIMEDOUT: 'Connection timed out',
  EHOSTUNREACH: 'No route to host',
  ENETUNREACH: 'Network is unreachable',
  EPIPE: 'Broken pipe',
  EADDRINUSE: 'Address already in use',
  EADDRNOTAVAIL: 'Cannot assign requested address',
  EACCES: 'Permission denied',
  ENOTFOUND: 'Name or service not known',
  EAI_AGAIN: 'Temporary failure in name resolution',
};

export function errnoMessage(err: NodeJS.ErrnoException): string {
  const known = err.code ? STRERROR[err.code] : undefined;
  return known ?? err.message;
}
