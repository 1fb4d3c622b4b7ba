// The verdicts module's public surface: judge captures against the LVS-TUN
// contract, then summarize or explain the result.
export { judgeTunContract } from './judge-tun-contract.js';
export { formatTunContractFailures, summarizeTunContract, type TunContractSummary } from './tun-contract-report.js';
export {
  TUN_PROPERTY_NAMES,
  type CapturePoint,
  type ConnectionVerdict,
  type HostIdentity,
  type PropertyVerdict,
  type TunContractInput,
  type TunPropertyId,
  type VerdictEvidence,
} from './tun-contract-types.js';
