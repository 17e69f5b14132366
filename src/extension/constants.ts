// Names shared by the extension's parts and its package.json contributions.
export const DEBUG_TYPE = 'redis-replica';
export const REPLICAS_VIEW = 'redisReplica.replicas';
export const STATE_MACHINE_SCHEME = 'redis-replication';
/** Where the state-machine document lives in an editor: gutter breakpoints there reach the adapter with this path. */
export const STATE_MACHINE_URI = `${STATE_MACHINE_SCHEME}:/state-machine.redisrepl`;
export { STATE_MACHINE_LANGUAGE } from '../debug/manifest';
