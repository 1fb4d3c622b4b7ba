// The package's one public entry (`import ... from 'lvs-harness'`): what a suite needs to load a
// topology, build its cluster, make requests and judge it. Everything else under harness/ is
// internal and may change; the vitest fixture is the separate entry 'lvs-harness/vitest'.

// Topologies: plain data, validated, every default filled in.
export { loadTopologyFile, parseTopologyText, validateTopologyData } from '../topology/load-topology.js';
export { TopologyError, type TopologyProblem } from '../topology/topology-error.js';
export type { TopologyFile } from '../topology/topology-schema.js';
export {
  ASSERTION_NAMES,
  DEFAULT_ASSERTIONS,
  SCHEDULERS,
  clientAddresses,
  clientHost,
  hostNamed,
  hostsWithRole,
  type AssertionName,
  type Configurator,
  type ConfiguratorPart,
  type ForwardingMethod,
  type HealthCheck,
  type Host,
  type HostRole,
  type HttpServerSpec,
  type Netem,
  type RealServer,
  type Scheduler,
  type RulesTool,
  type Segment,
  type Topology,
  type VirtualService,
  type Vrrp,
} from '../topology/topology.js';

// Building a cluster; the handle owns what it made (`await using`, or stop()).
export { buildCluster, BUILD_STAGES, InjectedFailure, type BuildOptions, type BuildStage, type StageTiming, type Unsettled } from '../cluster/build-cluster.js';
export type { Cluster, FlowOptions, RequestOptions } from '../cluster/cluster.js';
export type { LongFlow } from '../cluster/long-flow.js';
export type { FlowState, HttpOutcome } from '../traffic/http-outcome.js';

// Processes in a cluster's namespaces (Cluster.exec) and bounded waits.
export { CommandError } from '../process/command-error.js';
export type { CommandResult, ProcessRunner, RunOptions } from '../process/process-runner.js';
export { MissingToolError } from '../process/find-tool.js';
export { waitFor, WaitTimeoutError, type WaitOptions } from '../process/wait-for.js';

// The assertions on a live cluster, all of them (`check`'s) or one at a time.
export { runChecks, formatCheckReport, type CheckOptions, type CheckReport } from '../checks/run-checks.js';
export { CHECK_REPORT_SCHEMA_VERSION, checkReportJson, checkReportJsonSchema, type CheckReportJson } from '../checks/check-report-json.js';
export { renderJunitReport } from '../checks/junit-report.js';
export { CONFIGURATOR_VARIABLES, type ConfiguratorVariable } from '../plan/configurator-environment.js';
export { checkDistribution, defaultConnections, type DistributionCheck, type DistributionOptions } from '../checks/distribution-check.js';
export { checkTunContract, describeDrops, tunContractInput, type TunContractCheck, type TunContractOptions } from '../checks/tun-contract-check.js';

// Verdicts: what an assertion concluded, judged purely from what was observed.
export { assertVerdict, VerdictError, type Verdict } from '../verdicts/verdict.js';
export { identifyAnswers, judgeRoundRobin, type Answer } from '../verdicts/round-robin.js';
export {
  distributionProperty,
  judgeDistribution,
  type Distribution,
  type DistributionInput,
  type DistributionVerdict,
  type JudgedConnection,
} from '../verdicts/distribution.js';
export {
  TUN_PROPERTY_NAMES,
  formatTunContractFailures,
  judgeTunContract,
  summarizeTunContract,
  type CapturePoint,
  type ConnectionVerdict,
  type HostIdentity,
  type PropertyVerdict,
  type TunContractInput,
  type TunContractSummary,
  type TunPropertyId,
  type VerdictEvidence,
} from '../verdicts/index.js';

// Captures: tcpdump at every point of the TUN path, and the decoded packets.
export { ClusterCapture, type FinishedCapture, type UnopenedPoint } from '../capture/cluster-capture.js';
export { ringKibFor, type CaptureBuffering } from '../capture/tcpdump-capture.js';
export { formatPacket, readCaptureFile, type DecodedPacket } from '../packets/index.js';

// The doctor: the known LVS-TUN pitfalls in a live cluster's kernel state.
export { runDoctor } from '../doctor/doctor.js';
export { readIpvsEntries, readIpvsListing } from '../kernel-state/read-kernel-state.js';
export type { IpvsConnection } from '../kernel-state/ipvs-connections.js';
export { PITFALL_SUMMARIES, formatFindings, type Finding, type PitfallId } from '../doctor/diagnose.js';

// Failover under keepalived: measured on a live cluster, judged purely.
export { runFailoverChecks } from '../failover/failover-checks.js';
export { measureRealServerFailover, measureRealServerReturn, type RealServerFailoverOptions } from '../failover/measure-real-server-failover.js';
export {
  judgeRealServerFailover,
  judgeRealServerReturn,
  realServerFailoverTimings,
  type RealServerFailoverObservation,
  type RealServerReturnObservation,
  type TimedOutcome,
} from '../failover/failover-real-server.js';
export { DIRECTOR_FAULTS, measureDirectorFailover, measureDirectorReturn, type DirectorFailoverOptions, type DirectorFault } from '../failover/measure-director-failover.js';
export { judgeVipHandover, vipHandoverTimings, type VipHandoverObservation } from '../failover/failover-director.js';
export { observeHealthAgreement } from '../failover/observe-health-agreement.js';
export { judgeHealthAgreement, type HealthAgreementObservation } from '../failover/failover-health-agreement.js';
export { formatFailoverRecord, formatFailoverTable, type FailoverRecord, type FailoverTimings } from '../failover/failover-timings.js';
export { KeepalivedConfigError, type KeepalivedDirectors, type KeepalivedLine } from '../keepalived/keepalived-directors.js';
export { renderKeepalivedConf } from '../keepalived/render-keepalived-conf.js';

// The kernel: clusters need IPVS and ipip; this runs a command where they are (`lvs-harness run`).
export { runInChosenKernel, type ChosenKernelOptions } from './run-in-chosen-kernel.js';
