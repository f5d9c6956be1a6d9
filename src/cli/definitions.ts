/**
 * The grammar of `flink-kit`: the program with its global options, and every command with its
 * arguments, options and help. Loaded at start-up, so it holds no command code; the types of each
 * command's arguments and flags are inferred from here (`@commander-js/extra-typings`) and given to
 * the command modules as {@link ArgsOf} and {@link FlagsOf}.
 * @packageDocumentation
 */
import { Command, Option, type OptionValues } from '@commander-js/extra-typings';
import { exitCodeHelp } from './exit-codes.js';
import { duration, keyValue, positiveInt, wholeNumber } from './parse.js';

/** The program and its global options (`--url`, `--k8s` and its flags, `--json`, `--timeout`, …). */
export function defineProgram(version: string) {
  const program = new Command('flink-kit')
    .description('Submit, follow, savepoint and upgrade Apache Flink jobs over the REST API.')
    .version(version, '-V, --version')
    .option('--url <url>', 'Flink REST URL (default: $FLINK_URL, the `local up` cluster, or http://127.0.0.1:8081)')
    .option('--k8s', 'find the JobManager on Kubernetes and port-forward to it (needs @kubernetes/client-node)')
    .option('--namespace <ns>', "with --k8s: Flink's namespace (default: the context's, else default)")
    .option('--service <name>', 'with --k8s: the REST Service (default: the one <cluster-id>-rest, else flink-jobmanager)')
    .option('--port <port>', 'with --k8s: Service port, name or number (default: rest, webui, ui, http, else 8081)')
    .option('--context <name>', 'with --k8s: kubeconfig context (default: the current one)')
    .option('--kubeconfig <file>', 'with --k8s: kubeconfig file (default: $KUBECONFIG, ~/.kube/config, else in-cluster)')
    .option('--json', 'print the result as one JSON document (JSON lines for --watch)')
    .option('--timeout <duration>', 'deadline of waits, e.g. 90s, 5m (default: 5m; stop and savepoint 10m)', duration)
    .option('-v, --verbose', 'stack traces and details on errors, notes on stderr')
    .option('--no-color', 'no colour (also NO_COLOR=1 or TERM=dumb)')
    .configureHelp({ showGlobalOptions: true }) // `run --help` also lists --url, --k8s, --json…
    .showSuggestionAfterError()
    .showHelpAfterError('(flink-kit --help for usage; program arguments go after --)')
    .exitOverride();
  program.addHelpText(
    'before',
    `Examples:
  $ flink-kit run ./app.jar -p 4 -- --input s3://bucket/in     run a jar, wait until all tasks run
  $ flink-kit list --url http://jobmanager:8081                jobs on a cluster
  $ flink-kit local up && flink-kit doctor                     a local cluster, checked
  $ flink-kit doctor --k8s --namespace flink                   Flink on Kubernetes, pods included
`,
  );
  program.addHelpText('after', `\n${exitCodeHelp()}`);
  return program;
}

/** The program of {@link defineProgram}. */
export type Program = ReturnType<typeof defineProgram>;

/** The global flags as commander parses them. */
export type GlobalFlags = ReturnType<Program['opts']>;

const job = '<job>';

/** The run options of `run` and `upgrade`. */
function jarOptions<A extends unknown[], O extends OptionValues, G extends OptionValues>(cmd: Command<A, O, G>) {
  return cmd
    .option('-p, --parallelism <n>', 'parallelism of the job', positiveInt)
    .option('-c, --class <class>', 'entry class (default: the jar manifest)')
    .option('-n, --allow-non-restored', 'skip savepoint state no operator claims')
    .addOption(new Option('--claim-mode <mode>', 'ownership of the restored snapshot').choices(['CLAIM', 'NO_CLAIM', 'LEGACY']))
    .option('-D <key=value>', 'job configuration (repeatable), e.g. -D execution.checkpointing.interval=10s', keyValue);
}

/** The health thresholds of `health` and `top`, as options (the SDK's `HealthThresholds`). */
function thresholdOptions<A extends unknown[], O extends OptionValues, G extends OptionValues>(cmd: Command<A, O, G>) {
  return cmd
    .option('--max-restarts <n>', 'restarts in the window that are still only degraded (default 64)', wholeNumber)
    .option('--restart-window <duration>', 'the window restarts are counted over (default 2m)', duration)
    .option(
      '--checkpoint-age <duration>',
      'age of the last checkpoint before CHECKPOINTS_STALLED (default: max(interval, timeout) x (tolerable failures + 2))',
      duration,
    )
    .addOption(
      new Option('--backpressure <level>', 'the backpressure level that raises BACKPRESSURE (default high)').choices([
        'low',
        'high',
      ] as const),
    )
    .option('--watermark-lag <duration>', 'the watermark lag that raises WATERMARK_LAG (default: off)', duration);
}

/**
 * Adds every command to `program` and returns those that run something, by name (`jars upload` for
 * a subcommand). The command table (`command-table.ts`) has one module per name.
 */
export function defineCommands(program: Program) {
  const run = jarOptions(
    program
      .command('run')
      .description('upload (or reuse) a jar, run it, and wait until all its tasks run')
      .argument('<jar>', 'jar file, or the id of an uploaded jar (see `jars`)')
      .argument('[args...]', 'program arguments (after --)'),
  )
    .option('-s, --savepoint <path>', 'start from this savepoint or retained checkpoint')
    .option('-d, --detached', 'return once submitted, without waiting for RUNNING')
    .option('--keep-jar', 'keep the uploaded jar even if the run fails')
    .addHelpText(
      'before',
      example(
        'flink-kit run ./WordCount.jar -p 2',
        'flink-kit run ./app.jar -p 4 -s file:///savepoints/savepoint-1a2b -- --input /data',
        'flink-kit run 1f0e…_app.jar --detached --json | jq -r .jobId',
      ),
    );

  const sql = program
    .command('sql')
    .description("run SQL on Flink's SQL Gateway: queries stream their rows, a statement that starts a job prints its id")
    .option('-e, --execute <sql>', 'statements to run, separated by ;')
    .option('-f, --file <file>', 'a script of statements, separated by ; (- for stdin)')
    .option('--sql-url <url>', 'SQL Gateway URL (default: $FLINK_SQL_URL, else the host of --url on port 8083)')
    .option('-s, --savepoint <path>', 'start the job of the INSERT from this savepoint or retained checkpoint')
    .option('-p, --parallelism <n>', 'parallelism of the job of an INSERT (parallelism.default)', positiveInt)
    .option('-n, --allow-non-restored', 'skip savepoint state no operator claims')
    .addOption(new Option('--claim-mode <mode>', 'ownership of the restored snapshot').choices(['CLAIM', 'NO_CLAIM', 'LEGACY']))
    .option('-D <key=value>', 'configuration of the statements that start jobs (repeatable)', keyValue)
    .option('--wait', 'wait until the job of an INSERT runs (all tasks); asks the JobManager (--url)')
    .option('--max-rows <n>', 'stop a query after n rows (its job is cancelled)', positiveInt)
    .addHelpText(
      'before',
      example(
        'flink-kit sql -e "SELECT 1 AS n"',
        'flink-kit sql -f pipeline.sql --wait                 # CREATE TABLEs, then an INSERT: prints the job id once it runs',
        'flink-kit sql -f pipeline.sql -s "$sp" --json | jq -r .jobId   # the same job from a savepoint',
      ),
    )
    .addHelpText('after', '\nThe statements run in one session, in order. Ctrl-C (or --max-rows) ends a query and cancels its job.');

  const list = program
    .command('list')
    .description('jobs on the cluster, newest first')
    .addHelpText('before', example('flink-kit list', 'flink-kit list --json | jq -r \'.[] | select(.state == "RUNNING") | .id\''));

  const status = program
    .command('status')
    .description("a job's state and its vertices with their parallelism")
    .argument(job, 'job id')
    .addHelpText('before', example('flink-kit status 3f2b9c0e5d7a41e6b8c9d0e1f2a3b4c5', 'flink-kit status $JOB --json | jq -r .state'));

  const exceptions = program
    .command('exceptions')
    .description("a job's failures, newest first, root cause first")
    .argument(job, 'job id')
    .option('--max <n>', 'at most this many entries', positiveInt)
    .addHelpText('before', example('flink-kit exceptions $JOB', 'flink-kit exceptions $JOB --json | jq -r .rootCause'));

  const cancel = program
    .command('cancel')
    .description('cancel a job (no savepoint: see stop) and wait until it ended')
    .argument(job, 'job id')
    .addHelpText('before', example('flink-kit cancel $JOB'));

  const savepoint = program
    .command('savepoint')
    .description('trigger a savepoint and wait for its location; the job keeps running')
    .argument(job, 'job id')
    .option('--dir <dir>', 'target directory (default: the cluster’s savepoint directory)')
    .addHelpText('before', example('flink-kit savepoint $JOB --dir s3://bucket/savepoints'));

  const stop = program
    .command('stop')
    .description('stop a job with a savepoint (graceful; for upgrades) and print its location')
    .argument(job, 'job id')
    .option('--dir <dir>', 'target directory (default: the cluster’s savepoint directory)')
    .option('--drain', 'emit MAX_WATERMARK first (a final stop, not an upgrade)')
    .addHelpText(
      'before',
      example('flink-kit stop $JOB --dir file:///savepoints', 'sp=$(flink-kit stop $JOB --json | jq -r .savepointPath)'),
    );

  const checkpoints = program
    .command('checkpoints')
    .description("a job's checkpoint statistics; --watch follows new checkpoints until the job ends")
    .argument(job, 'job id')
    .option('-w, --watch', 'print each checkpoint as it completes or fails (JSON lines with --json)')
    .option('--interval <duration>', 'time between two looks with --watch', duration)
    .addHelpText('before', example('flink-kit checkpoints $JOB', 'flink-kit checkpoints $JOB --watch --json | jq -c .'));

  const checkpoint = program
    .command('checkpoint')
    .description('trigger a checkpoint now (Flink 1.17+) and wait for it')
    .argument(job, 'job id')
    .option('--full', 'a full checkpoint, even when checkpoints are incremental')
    .addHelpText('before', example('flink-kit checkpoint $JOB', 'flink-kit checkpoint $JOB --full --json | jq .checkpointId'));

  const upgrade = jarOptions(
    program
      .command('upgrade')
      .description('stop with a savepoint, start the new jar (or the same one) from it, verify; roll back on failure')
      .argument(job, 'job id of the running version')
      .argument('[jar]', 'the new version: jar file or uploaded jar id (default: --previous-jar, i.e. a rescale)')
      .argument('[args...]', 'program arguments (after --)'),
  )
    .option('--previous-jar <jar>', 'the jar the job runs now (file or id): started again if the new version fails')
    .option('--no-rollback', 'upgrade without a way back (no --previous-jar needed)')
    .option('--dir <dir>', 'savepoint directory (default: the cluster’s)')
    .addHelpText(
      'before',
      example(
        'flink-kit upgrade $JOB ./app-v2.jar --previous-jar ./app-v1.jar -- --input /data',
        'flink-kit upgrade $JOB -p 4 --previous-jar $JAR_ID',
      ),
    );

  const rescale = program
    .command('rescale')
    .description('change a running job’s parallelism in place, state kept (adaptive scheduler, Flink 1.18+)')
    .argument(job, 'job id')
    .requiredOption('-p, --parallelism <n>', 'the new parallelism of every vertex (capped at its max parallelism)', positiveInt)
    .addHelpText('before', example('flink-kit rescale $JOB -p 4', 'flink-kit rescale $JOB -p 1 --timeout 10m --json | jq .parallelism'))
    .addHelpText(
      'after',
      '\nThe cluster needs jobmanager.scheduler: adaptive; without it, `upgrade <job> -p N --previous-jar J` rescales through a savepoint.',
    );

  const dispose = program
    .command('dispose')
    .description('delete a savepoint through the JobManager (never the one you restore from)')
    .argument('<path>', 'savepoint location, as savepoint/stop printed it')
    .addHelpText('before', example('flink-kit dispose file:/savepoints/savepoint-3f2b9c-1a2b3c4d5e6f'));

  const jars = program
    .command('jars')
    .description('jars uploaded to the JobManager')
    .addHelpText(
      'before',
      example('flink-kit jars', 'flink-kit jars upload ./app.jar --json | jq -r .id', 'flink-kit jars delete $JAR_ID'),
    );
  const jarsList = jars.command('list').description('uploaded jars, newest first').addHelpText('before', example('flink-kit jars list'));
  const jarsUpload = jars
    .command('upload')
    .description('upload a jar and print its id')
    .argument('<file>', 'jar file')
    .addHelpText('before', example('flink-kit jars upload ./app.jar'));
  const jarsDelete = jars
    .command('delete')
    .description('delete an uploaded jar')
    .argument('<id>', 'jar id')
    .addHelpText('before', example('flink-kit jars delete 1f0e2d3c-…_app.jar'));

  const cluster = program
    .command('cluster')
    .description('Flink version, TaskManagers and slots')
    .addHelpText('before', example('flink-kit cluster', 'flink-kit cluster --json | jq .slotsAvailable'));

  const doctor = program
    .command('doctor')
    .description('check a cluster the way you would by hand after deploying Flink (with --k8s, its pods too); exit 11 on a failed check')
    .addHelpText(
      'before',
      example(
        'flink-kit doctor --url http://jobmanager:8081',
        'flink-kit doctor --k8s --namespace flink          # also the pods: Ready, registered with Flink, spread over nodes',
        'flink-kit doctor --json | jq \'.checks[] | select(.status != "pass")\'',
      ),
    );

  const health = thresholdOptions(
    program
      .command('health')
      .description(
        "a job's health: status, reasons, restarts, checkpoints, backpressure per vertex; exit 0 healthy, 13 degraded, 14 unhealthy",
      )
      .argument(job, 'job id')
      .option('-w, --watch', 'read again every --interval until the job ends (JSON lines with --json); exits with the last status')
      .option('--interval <duration>', 'time between two reads with --watch (default 5s)', duration)
      .option('--stack-traces', 'include the exceptions’ Java stack traces'),
  ).addHelpText(
    'before',
    example(
      'flink-kit health $JOB',
      'flink-kit health $JOB --max-restarts 0 || echo "not healthy: exit $?"',
      "flink-kit health $JOB --json | jq -r '.reasons[].message'",
      "flink-kit health $JOB --watch --json | jq -c '{status, codes: [.reasons[].code]}'",
    ),
  );

  const top = thresholdOptions(
    program
      .command('top')
      .description('a live view of every running job, worst first (q quits); piped or with --json, one snapshot')
      .option('--interval <duration>', 'time between two refreshes (default 5s)', duration),
  ).addHelpText('before', example('flink-kit top', 'flink-kit top --json | jq -r \'.[] | select(.status != "healthy") | .name\''));

  const local = program
    .command('local')
    .description('a real Flink cluster on 127.0.0.1 that keeps running between commands (Java 17 + Maven)')
    .addHelpText('before', example('flink-kit local up --taskmanagers 2', 'flink-kit local status', 'flink-kit local down'));
  const localUp = local
    .command('up')
    .description('start the local cluster and print its URL; other commands use it when no --url is given')
    .option('--flink-version <v>', 'a version (1.20.3) or a line (1.20)', '1.20')
    .option('--taskmanagers <n>', 'TaskManager JVMs', positiveInt, 1)
    .option('--slots <n>', 'slots per TaskManager', positiveInt, 2)
    .option('-D <key=value>', 'cluster configuration (repeatable), e.g. -D execution.checkpointing.interval=10s', keyValue, {})
    .addHelpText('before', example('flink-kit local up', 'flink-kit local up --flink-version 1.18 --taskmanagers 2 --slots 4'));
  const localStatus = local
    .command('status')
    .description('whether the local cluster runs, its URL, version and JVMs')
    .addHelpText('before', example('flink-kit local status', 'flink-kit local status --json | jq -r .url'));
  const localDown = local
    .command('down')
    .description('stop the local cluster: no JVM and no temp dir left behind')
    .addHelpText('before', example('flink-kit local down'));

  return {
    run,
    sql,
    list,
    status,
    exceptions,
    cancel,
    savepoint,
    stop,
    checkpoints,
    checkpoint,
    upgrade,
    rescale,
    dispose,
    jars,
    'jars list': jarsList,
    'jars upload': jarsUpload,
    'jars delete': jarsDelete,
    cluster,
    doctor,
    health,
    top,
    'local up': localUp,
    'local status': localStatus,
    'local down': localDown,
  };
}

/** The commands of {@link defineCommands}, by name. */
export type Definitions = ReturnType<typeof defineCommands>;

/** The name of a command that runs something: `run`, `jars upload`, `local up`, … */
export type CommandName = keyof Definitions;

/** The positional arguments of command `N`, as declared: `[jar: string, args: string[]]` for `run`. */
export type ArgsOf<N extends CommandName> = Definitions[N]['processedArgs'];

/** The options of command `N` (without the global ones), as declared: `{ parallelism?: number, … }` for `run`. */
export type FlagsOf<N extends CommandName> = ReturnType<Definitions[N]['opts']>;

function example(...lines: string[]): string {
  return `Example${lines.length > 1 ? 's' : ''}:\n${lines.map((l) => `  $ ${l}`).join('\n')}\n`;
}
