/**
 * Connects to Flink on Kubernetes (no kubectl port-forward needed), prints the cluster overview and
 * runs Flink's WordCount example at a chosen parallelism.
 *
 *   node examples/kubernetes.ts [--namespace flink] [--service S] [--context C] [--kubeconfig F] [-p 2] [--jar WordCount.jar]
 *
 * Needs @kubernetes/client-node next to flink-kit, and a kubeconfig (or a pod's service account).
 * Without --jar, the WordCount jar of the cluster's Flink version comes from Maven Central.
 */
import { parseArgs } from 'node:util';
import { isFlinkError } from 'flink-kit';
import { connectKubernetes } from 'flink-kit/kube';
import { exampleJar } from 'flink-kit/local';

const { values } = parseArgs({
  options: {
    namespace: { type: 'string' },
    service: { type: 'string' },
    context: { type: 'string' },
    kubeconfig: { type: 'string' },
    parallelism: { type: 'string', short: 'p', default: '2' },
    jar: { type: 'string' },
  },
});

try {
  await using conn = await connectKubernetes({
    ...(values.namespace ? { namespace: values.namespace } : {}),
    ...(values.service ? { service: values.service } : {}),
    ...(values.context ? { context: values.context } : {}),
    ...(values.kubeconfig ? { kubeconfig: values.kubeconfig } : {}),
  });
  const { service } = conn;
  console.log(
    `Service ${service.namespace}/${service.name} port ${service.port}, ${conn.mode} at ${conn.url} (pod ${conn.pod ?? 'via DNS'})`,
  );

  const overview = await conn.client.cluster.overview();
  console.log(
    `Flink ${overview.flinkVersion}: ${overview.taskManagers} TaskManagers, ${overview.slotsTotal} slots ` +
      `(${overview.slotsAvailable} free), ${overview.jobsRunning} jobs running`,
  );

  const jar = values.jar ?? (await exampleJar('WordCount', { flinkVersion: overview.flinkVersion }));
  const { jobId, job } = await conn.client.submit({ jar, parallelism: Number(values.parallelism), until: 'FINISHED' });
  console.log(
    `WordCount ${jobId} ${job?.state} in ${job?.durationMs} ms; parallelism per vertex: ${job?.vertices.map((v) => v.parallelism).join(', ')}`,
  );
} catch (error) {
  console.error(isFlinkError(error) ? `${error.name}: ${error.message}` : error);
  process.exitCode = 1;
}
