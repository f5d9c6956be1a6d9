/** ZooKeeper session timeout the local cluster's JVMs ask for, in milliseconds. */
const HA_SESSION_TIMEOUT_MS = 8_000;

/**
 * Flink's ZooKeeper high availability on loopback, for 1.18 to 2.x. A killed JobManager's
 * leadership lasts until its ZooKeeper session expires, so the session timeout (60 s by default)
 * is short here: a new JobManager takes over about 8 s after a kill. Plain millisecond numbers
 * parse both where the option is an integer (1.x) and where it is a duration (2.x).
 */
export function haConfig(zooKeeperPort: number, storageDir: string): Record<string, string> {
  return {
    'high-availability.type': 'zookeeper',
    'high-availability.zookeeper.quorum': `127.0.0.1:${zooKeeperPort}`,
    'high-availability.storageDir': `file://${storageDir}`,
    'high-availability.cluster-id': '/flink-kit-local',
    'high-availability.zookeeper.client.session-timeout': String(HA_SESSION_TIMEOUT_MS),
    'high-availability.zookeeper.client.connection-timeout': '5000',
    // A busy machine may stall a JVM past the connection timeout: keep leadership until the session is lost.
    'high-availability.zookeeper.client.tolerate-suspended-connections': 'true',
  };
}
