// The packets module's public surface: import from here rather than from
// individual decoder files, which may be split or renamed.
export { decodeCaptureFile, readCaptureFile, readCaptureRecords, sniffCaptureFormat } from './capture-file.js';
export { CaptureFileError, type CaptureRecord } from './capture-record.js';
export { decodeFrame } from './decode-frame.js';
export type * from './decoded-packet.js';
export { formatIpPacket, formatIpv4Packet, formatPacket, formatTcp } from './format-packet.js';
export { LinkType, linkTypeName } from './link-layers.js';
export { SLL_PACKET_OUTGOING } from './linux-cooked.js';
export { LayerError } from './layer-error.js';
